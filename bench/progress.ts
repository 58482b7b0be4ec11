/** A small progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */

export interface Progress {
  update(done: number, note?: string): void;
  finish(note?: string): void;
}

const WIDTH = 28;

export function progress(label: string, total: number, unit = ""): Progress {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  let lastLine = 0;
  let current = 0;
  const line = (note?: string) => {
    const share = total > 0 ? Math.min(1, current / total) : 0;
    const filled = Math.round(share * WIDTH);
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    return `${label.padEnd(30)} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${current}/${total}${unit} ${elapsed}s${note ? ` ${note}` : ""}`;
  };
  return {
    update(done, note) {
      current = done;
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        process.stderr.write(`\r\x1b[2K${line(note)}`);
      } else if (now - lastLine >= 5000) {
        lastLine = now;
        process.stderr.write(`${line(note)}\n`);
      }
    },
    finish(note) {
      process.stderr.write(tty ? `\r\x1b[2K${line(note)}\n` : `${line(note)}\n`);
    },
  };
}

/** A one-line status message on stderr. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}
