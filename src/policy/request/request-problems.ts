// The values of a schema-valid request checked as a proxy would receive them (docs/cli.md "gic check"):
// addresses are IP addresses, a principal is `<trust domain>/ns/<namespace>/sa/<service account>`
// (optionally `spiffe://`), a path is an HTTP request target (`/...`, or `*`), a method an HTTP token,
// a port 1-65535. A request that no proxy could receive is a bad request (exit 2), never evaluated.
// Pure; cheap when the fields are absent (the hot path of `gic check --requests`).
import type { AccessRequest } from '../evaluate/access-request.js';
import { parseIp } from '../evaluate/ip-matcher.js';

export interface RequestProblem {
  /** Dotted field path (`to.port`), `(request)` for the whole request. */
  readonly field: string;
  readonly message: string;
}

/** RFC 9110 token: what Envoy accepts as a method. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Whether `path` has a character no request target carries unencoded (controls, space, DEL). */
function hasBadPathChar(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}
const PRINCIPAL = /^(?:spiffe:\/\/)?[^/\s]+\/ns\/[^/\s]+\/sa\/[^/\s]+$/;

export function requestProblems(request: AccessRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const port = request.to.port;
  if (port === 0) problems.push({ field: 'to.port', message: 'port 0 is not a port a request can be sent to; use 1-65535' });
  const from = request.from;
  if (from !== undefined) {
    if ('principal' in from && !PRINCIPAL.test(from.principal)) {
      problems.push({ field: 'from.principal', message: `"${from.principal}" is not an mTLS principal: write <trust domain>/ns/<namespace>/sa/<service account>, e.g. cluster.local/ns/foo/sa/bar` });
    }
    if (from.ip !== undefined) address(problems, 'from.ip', from.ip);
  }
  if (request.sourceIp !== undefined) address(problems, 'sourceIp', request.sourceIp);
  if (request.remoteIp !== undefined) address(problems, 'remoteIp', request.remoteIp);
  if (request.destinationIp !== undefined) address(problems, 'destinationIp', request.destinationIp);
  const path = request.path;
  const pathOk = path === undefined || path === '*' || (path.charCodeAt(0) === 0x2f && !hasBadPathChar(path));
  if (!pathOk) {
    problems.push({
      field: 'path',
      message: hasBadPathChar(path)
        ? `${JSON.stringify(path)} has a space or control character, which no HTTP request target carries: percent-encode it (%20)`
        : `${JSON.stringify(path)} is not a request path: it starts with "/" (e.g. "/${path}"), or is "*" for OPTIONS`,
    });
  }
  const method = request.method;
  if (method !== undefined && !METHOD.test(method)) problems.push({ field: 'method', message: `${JSON.stringify(method)} is not an HTTP method (a token such as GET or POST)` });
  return problems;
}

function address(problems: RequestProblem[], field: string, value: string): void {
  if (parseIp(value) === undefined) problems.push({ field, message: `${JSON.stringify(value)} is not an IP address (IPv4 like 10.1.2.3 or IPv6 like fd00::1; no port, no prefix length)` });
}
