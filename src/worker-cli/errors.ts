/**
 * The CLI's only way to report a problem. Its message is written for the
 * terminal and must never quote the packet: no output text, no source text,
 * no credential. Anything thrown that is not a CliError is reported by name
 * only (see `describeUnexpected`), because library messages can quote input
 * (JSON.parse, for one, prints the text around a syntax error).
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const EXIT_USAGE = 2;

export function describeUnexpected(error: unknown): string {
  if (error instanceof CliError) return error.message;
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  return `unexpected ${name}${typeof code === "string" ? ` (${code})` : ""}`;
}
