import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bitString, boolean, explicit, objectIdentifier, octetString, sequence, set, tlv, unsignedInteger, utcTime, utf8String } from './der.js';

export interface SelfSignedCert {
  /** PEM; also the trust anchor the client must be given (it is its own issuer). */
  cert: string;
  key: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const BASIC_CONSTRAINTS = '2.5.29.19';
const SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * A throwaway self-signed certificate for `127.0.0.1` and `localhost`, valid for one day. The Azure
 * SDK's bearer-token policy refuses plain `http://` endpoints, so a local stub of the service has to
 * speak TLS. Node has no API that writes X.509 certificates, and the `openssl` CLI is not on every
 * machine, so the certificate is assembled here (DER) and signed with a fresh P-256 key.
 */
export function createSelfSignedCert(now = new Date()): SelfSignedCert {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const algorithm = sequence(objectIdentifier(ECDSA_WITH_SHA256));
  const name = sequence(set(sequence(objectIdentifier(COMMON_NAME), utf8String('127.0.0.1'))));
  const subjectAltNames = sequence(
    tlv(0x87, Buffer.from([127, 0, 0, 1])), // iPAddress
    tlv(0x82, Buffer.from('localhost', 'ascii')), // dNSName
  );
  const extensions = sequence(
    // CA:TRUE, like `openssl req -x509`: the certificate is its own trust anchor.
    sequence(objectIdentifier(BASIC_CONSTRAINTS), boolean(true), octetString(sequence(boolean(true)))),
    sequence(objectIdentifier(SUBJECT_ALT_NAME), octetString(subjectAltNames)),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const certificate = sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
