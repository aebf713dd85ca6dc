/** The fields of `nsyslog-parser`'s result this benchmark compares (the package ships no types). */
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
