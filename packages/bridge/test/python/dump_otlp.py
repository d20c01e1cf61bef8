"""Prints OTLP protobuf export bodies as readable JSON (for the fixtures' .json files).

    python dump_otlp.py [--traces FILE.pb] [--logs FILE.pb]

Uses the opentelemetry-proto messages that opentelemetry-exporter-otlp-proto-http installs. A file may
hold several export requests concatenated (protobuf merges them). Ids are lowercase hex, times ISO
8601 (UTC, nanoseconds kept), attribute values plain JSON (AnyValue unwrapped).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.logs.v1.logs_pb2 import SeverityNumber
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

KINDS = {value: name.replace("SPAN_KIND_", "") for name, value in Span.SpanKind.items()}
STATUS = {value: name.replace("STATUS_CODE_", "") for name, value in Status.StatusCode.items()}


def any_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def attributes(kvs) -> dict[str, Any]:
    return {kv.key: any_value(kv.value) for kv in kvs}


def iso(nanos: int) -> str | None:
    if not nanos:
        return None
    seconds, rest = divmod(nanos, 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{rest:09d}Z"


def dump_traces(data: bytes) -> list[dict[str, Any]]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(data)
    out = []
    for resource_spans in request.resource_spans:
        resource = attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            scope = {"name": scope_spans.scope.name, "version": scope_spans.scope.version or None}
            for span in scope_spans.spans:
                status = {"code": STATUS.get(span.status.code, str(span.status.code))}
                if span.status.message:
                    status["message"] = span.status.message
                out.append(
                    {
                        "name": span.name,
                        "kind": KINDS.get(span.kind, str(span.kind)),
                        "traceId": span.trace_id.hex(),
                        "spanId": span.span_id.hex(),
                        "parentSpanId": span.parent_span_id.hex() or None,
                        "instrumentationScope": scope,
                        "startTime": iso(span.start_time_unix_nano),
                        "endTime": iso(span.end_time_unix_nano),
                        "status": status,
                        "attributes": attributes(span.attributes),
                        "events": [
                            {"name": e.name, "time": iso(e.time_unix_nano), "attributes": attributes(e.attributes)}
                            for e in span.events
                        ],
                        "links": [
                            {"traceId": link.trace_id.hex(), "spanId": link.span_id.hex(), "attributes": attributes(link.attributes)}
                            for link in span.links
                        ],
                        "resource": resource,
                    }
                )
    out.sort(key=lambda s: (s["startTime"] or "", s["endTime"] or ""))
    return out


def dump_logs(data: bytes) -> list[dict[str, Any]]:
    request = ExportLogsServiceRequest()
    request.ParseFromString(data)
    out = []
    for resource_logs in request.resource_logs:
        resource = attributes(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            scope = {"name": scope_logs.scope.name, "version": scope_logs.scope.version or None}
            for record in scope_logs.log_records:
                out.append(
                    {
                        "eventName": record.event_name or None,
                        "time": iso(record.time_unix_nano),
                        "observedTime": iso(record.observed_time_unix_nano),
                        "severityNumber": SeverityNumber.Name(record.severity_number) if record.severity_number else None,
                        "severityText": record.severity_text or None,
                        "body": any_value(record.body),
                        "attributes": attributes(record.attributes),
                        "traceId": record.trace_id.hex() or None,
                        "spanId": record.span_id.hex() or None,
                        "instrumentationScope": scope,
                        "resource": resource,
                    }
                )
    out.sort(key=lambda r: r["time"] or r["observedTime"] or "")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces")
    parser.add_argument("--logs")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    if args.traces:
        with open(args.traces, "rb") as f:
            result["spans"] = dump_traces(f.read())
    if args.logs:
        with open(args.logs, "rb") as f:
            result["logRecords"] = dump_logs(f.read())
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
