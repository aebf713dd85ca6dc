/** The fields of `nsyslog-parser` (dev only: parser agreement test and benchmark) we compare; it ships no types. */
declare module 'nsyslog-parser' {
  interface ParsedLine {
    prival?: number;
    host?: string;
    appName?: string;
    pid?: string;
    message?: string;
    type?: string;
  }
  export default function parse(line: string): ParsedLine;
}
