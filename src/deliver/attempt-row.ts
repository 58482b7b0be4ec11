/** One delivery attempt as the endpoint's history keeps it (objects/attempt-log.ts) and the API shows it. */
export interface AttemptRow {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  status: "succeeded" | "failed";
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  /** The first KiB of the subscriber's answer (deliver/limits.ts). */
  responseBody: string | null;
  createdAt: number;
}
