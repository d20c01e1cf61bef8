/** The two OTLP/HTTP encodings: `application/x-protobuf` and `application/json`. */
export type OtlpEncoding = 'protobuf' | 'json';
