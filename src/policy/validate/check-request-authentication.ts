// istiod's webhook rules for RequestAuthentication (ValidateRequestAuthentication, validateJwtRule,
// warnPrivateJwksKeys, security.ParseJwksURI, agent.ValidateDuration) on the raw spec. `jwksUri` and
// its alias `jwks_uri` decode into one field; jsonpb lets `jwksUri` win when both are present.
import type { FindingCollector, Path } from './finding-collector.js';
import { checkOneOfSelectorType, checkTargetRefs, checkWorkloadSelector } from './check-selector.js';
import { goParseDuration } from './go/duration.js';
import { goAtoi } from './go/strconv.js';
import { goParseUrl } from './go/url.js';
import { inspectJwks } from './jwks.js';
import { arrayAt, has, isObject, type RawObject, stringAt, stringItems } from './raw-value.js';

const MILLISECOND = 1_000_000n;
const STRICT_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

export function checkRequestAuthentication(spec: RawObject, out: FindingCollector): void {
  checkOneOfSelectorType(spec, out);
  checkWorkloadSelector(spec, out);
  checkTargetRefs(spec, out);
  arrayAt(spec, 'jwtRules')?.forEach((rule, i) => {
    if (isObject(rule)) checkJwtRule(rule, ['spec', 'jwtRules', i], out);
  });
}

function checkJwtRule(rule: RawObject, at: Path, out: FindingCollector): void {
  for (const [aud, i] of stringItems(rule, 'audiences')) {
    if (aud === '') out.add('reqauth.audience.empty', [...at, 'audiences', i], 'audience must be non-empty string: remove the empty entry (omit audiences to accept any audience).');
  }
  const uriKey = has(rule, 'jwksUri') ? 'jwksUri' : 'jwks_uri';
  const jwksUri = stringAt(rule, uriKey) ?? '';
  const issuer = stringAt(rule, 'issuer') ?? '';
  if (issuer === '' && jwksUri === '') {
    out.add('reqauth.issuer-or-jwks-uri', at, 'issuer or jwksUri must be non-empty string: set issuer to the token issuer (iss claim), and jwksUri or jwks for its keys.');
  }
  if (jwksUri !== '') {
    const parsed = goParseUrl(jwksUri);
    const uriPath: Path = [...at, uriKey];
    if ('error' in parsed) {
      out.add('reqauth.jwks-uri.invalid', uriPath, `${parsed.error}; write an absolute URL such as https://idp.example.com/.well-known/jwks.json.`);
    } else if (parsed.url.scheme !== 'http' && parsed.url.scheme !== 'https') {
      out.add('reqauth.jwks-uri.scheme', uriPath, `URI scheme ${JSON.stringify(parsed.url.scheme)} is not supported: jwksUri must start with https:// (or http://).`);
    } else if (parsed.url.port !== '' && 'error' in goAtoi(parsed.url.port)) {
      out.add('reqauth.jwks-uri.invalid', uriPath, `port ${JSON.stringify(parsed.url.port)} is out of range; use a port number from 0 to 65535.`);
    }
  }
  const jwks = stringAt(rule, 'jwks');
  if (jwks !== undefined && jwks !== '') {
    const inspected = inspectJwks(jwks);
    if (inspected.error !== undefined) {
      out.add('reqauth.jwks.invalid', [...at, 'jwks'], `jwks parse error: ${inspected.error}; paste the JWK set JSON ({"keys": [...]}) or use jwksUri.`);
    } else {
      for (const index of inspected.privateKeys) {
        out.add('reqauth.jwks.private-key', [...at, 'jwks'], `jwks key at index ${index} contains private key material; only public keys are used for verification: remove "d" (and other private members) or symmetric keys, and rotate the exposed key.`);
      }
    }
  }
  arrayAt(rule, 'fromHeaders')?.forEach((header, i) => {
    if (!isObject(header)) return;
    if ((stringAt(header, 'name') ?? '') === '') {
      out.add('reqauth.from-headers.name', [...at, 'fromHeaders', i, 'name'], 'location header name must be non-empty string: name the header that carries the token, e.g. x-jwt-assertion.');
    }
  });
  for (const [param, i] of stringItems(rule, 'fromParams')) {
    if (param === '') out.add('reqauth.from-params.empty', [...at, 'fromParams', i], 'location query must be non-empty string: name the query parameter that carries the token, or remove the entry.');
  }
  for (const [cookie, i] of stringItems(rule, 'fromCookies')) {
    if (cookie === '') out.add('reqauth.from-cookies.empty', [...at, 'fromCookies', i], 'cookie name must be non-empty string: name the cookie that carries the token, or remove the entry.');
  }
  arrayAt(rule, 'outputClaimToHeaders')?.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const header = stringAt(entry, 'header') ?? '';
    const claim = stringAt(entry, 'claim') ?? '';
    const entryPath: Path = [...at, 'outputClaimToHeaders', i];
    if (header === '' || claim === '') {
      out.add('reqauth.output-claim-to-headers.empty', entryPath, 'outputClaimToHeaders header and claim value must be non-empty string: set both, e.g. {header: x-jwt-sub, claim: sub}.');
    } else if (!STRICT_HEADER_NAME.test(header)) {
      out.add('reqauth.output-claim-to-headers.header', [...entryPath, 'header'], `header name ${header} is not a valid header name: use only letters, digits, '-' and '_' (no ':' pseudo-headers).`);
    }
  });
  const timeout = stringAt(rule, 'timeout');
  if (timeout !== undefined) {
    const d = goParseDuration(timeout);
    // An unparsable duration fails decoding in istiod (and the CRD's CEL rule reports it).
    if ('error' in d) {
      out.markUndecodable();
    } else if (d.nanos < MILLISECOND) {
      out.add('reqauth.timeout.min-duration', [...at, 'timeout'], `duration must be greater than 1ms, got ${JSON.stringify(timeout)}; write e.g. "5s" or "500ms".`);
    } else if (d.nanos % MILLISECOND !== 0n) {
      out.add('reqauth.timeout.precision', [...at, 'timeout'], `only durations to ms precision are supported, got ${JSON.stringify(timeout)}; round to whole milliseconds, e.g. "1500ms".`);
    }
  }
}
