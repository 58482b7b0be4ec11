/** Turns zod issues into the `details` our errors carry: the offending paths, readable. */
import type { z } from "zod";

export interface IssueDetail {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "(root)",
    message: issue.message,
  }));
}

export function summarizeIssues(error: z.ZodError): string {
  return describeIssues(error)
    .map((d) => `${d.path}: ${d.message}`)
    .join("; ");
}
