/** Progress and tables go to stderr; stdout carries only the JSON report. */
export const say = (line: string): void => void process.stderr.write(`${line}\n`);
