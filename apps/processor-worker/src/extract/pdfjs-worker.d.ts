// pdfjs-dist ships no types for its worker module: importing it is all the readers do with it (pdf.ts).
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
