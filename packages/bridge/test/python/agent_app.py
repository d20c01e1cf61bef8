"""A real Python agent app for @nexus-otel/bridge's tests.

It runs one scenario against a (stubbed) Azure AI Foundry project endpoint with the Azure AI Agents
SDK's own OpenTelemetry tracing (AIAgentsInstrumentor), or one chat completion through the openai SDK
with opentelemetry-instrumentation-openai-v2, and exports traces and log records with the OTLP/HTTP
(protobuf) exporters, configured by the standard OTEL_* variables.

    python agent_app.py <scenario>          # or PEER_SCENARIO=<scenario>
    scenarios: tools | failed | expired | openai

Environment:
    PROJECT_ENDPOINT                    the project endpoint (https://host:port/api/projects/<name>)
    OPENAI_BASE_URL, OPENAI_API_KEY     the openai scenario's endpoint (the SDK reads both itself);
                                        OPENAI_BASE_URL defaults to PROJECT_ENDPOINT + /openai/v1
    OTEL_EXPORTER_OTLP_ENDPOINT         where the OTLP exporters send (/v1/traces, /v1/logs appended);
                                        every other OTEL_EXPORTER_OTLP_* / OTEL_BSP_* / OTEL_BLRP_* works
    OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
    SSL_CERT_FILE, REQUESTS_CA_BUNDLE   trust for the stub's self-signed certificate (httpx / requests)
    AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED   Azure agents content recording (default here: true)
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT
                                        openai-v2 content mode (default here: span_and_event; see below)
    PEER_ROOT_SPAN                      "0" leaves out the app's own root span (default: one root span
                                        named after the scenario, as the Azure samples do)

Exit code 0 when the scenario went as scripted, 1 otherwise (the reason on stderr).
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import nullcontext
from typing import Any, Callable, Dict

SCENARIOS = ("tools", "failed", "expired", "openai")

# Content recording on unless the caller says otherwise; read by the instrumentors at instrument().
# azure-ai-agents 1.1.0 reads only AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED ("true", any case).
# openai-v2 2.4b0 with util-genai 1.1b0 always takes the latest-experimental semconv path, where
# OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is a mode: no_content | span_only | event_only |
# span_and_event ("true" is not one: it logs a warning and means no_content).
os.environ.setdefault("AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED", "true")
os.environ.setdefault("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "span_and_event")

from opentelemetry import trace  # noqa: E402
from opentelemetry._logs import set_logger_provider  # noqa: E402
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk._logs import LoggerProvider  # noqa: E402
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402


def setup_otel() -> tuple[TracerProvider, LoggerProvider]:
    """Global tracer and logger providers, each with the OTLP/HTTP exporter (endpoint etc. from OTEL_*)."""
    resource = Resource.create()  # service.name from OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(tracer_provider)
    # The openai-v2 instrumentation writes prompts and completions as log records (events).
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
    set_logger_provider(logger_provider)
    return tracer_provider, logger_provider


def fail(message: str) -> None:
    raise ScenarioError(message)


class ScenarioError(Exception):
    pass


# --- Azure AI Agents -------------------------------------------------------------------------------


class StaticTokenCredential:
    """A TokenCredential (get_token) good enough for a stub that does not check the token."""

    def get_token(self, *scopes: str, **kwargs: Any):  # noqa: ARG002
        from azure.core.credentials import AccessToken

        return AccessToken("stub-token", int(time.time()) + 3600)


def instrument_azure() -> None:
    from azure.core.settings import settings

    # azure-core's tracing goes through azure-core-tracing-opentelemetry (HTTP spans, and the
    # span type the agents instrumentor creates its gen_ai spans with).
    settings.tracing_implementation = "opentelemetry"
    from azure.ai.agents.telemetry import AIAgentsInstrumentor

    # No argument: content recording comes from AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED.
    AIAgentsInstrumentor().instrument()


def agents_client():
    from azure.ai.agents import AgentsClient

    endpoint = os.environ.get("PROJECT_ENDPOINT")
    if not endpoint:
        fail("PROJECT_ENDPOINT is not set")
    return AgentsClient(endpoint=endpoint, credential=StaticTokenCredential())


def weather_tool():
    from azure.ai.agents.telemetry import trace_function

    @trace_function()
    def get_current_weather(location: str) -> str:
        """Current weather for a city.

        :param location: The city and state, e.g. Seattle, WA.
        :return: The weather as JSON.
        """
        return json.dumps({"location": location, "temperature": "12C", "condition": "cloudy"})

    return get_current_weather


def create_agent_and_thread(client, tools: list) -> tuple[Any, Any]:
    agent = client.create_agent(
        model="gpt-4o",
        name="weather-math-agent",
        description="Answers math with code interpreter and weather with a function",
        instructions="You are a helpful agent. Use code interpreter for math and get_current_weather for weather.",
        tools=tools,
        temperature=0.2,
        top_p=0.9,
    )
    thread = client.threads.create()
    client.messages.create(
        thread_id=thread.id,
        role="user",
        content="What is sqrt(1764)? And what's the weather in Seattle?",
    )
    return agent, thread


def poll(client, thread_id: str, run, on_action: Callable[[Any], Any] | None, limit: int = 20):
    """Polls the run (runs.get, each poll one get_thread_run span) until it leaves the active states."""
    for _ in range(limit):
        if run.status not in ("queued", "in_progress", "requires_action", "cancelling"):
            return run
        if run.status == "requires_action" and on_action is not None:
            run = on_action(run)
            continue
        time.sleep(0.05)
        run = client.runs.get(thread_id=thread_id, run_id=run.id)
    fail(f"run {run.id} still {run.status} after {limit} polls")
    return run


def scenario_tools() -> None:
    from azure.ai.agents.models import CodeInterpreterTool, FunctionTool, RequiredFunctionToolCall, SubmitToolOutputsAction, ToolOutput

    function_tool = FunctionTool(functions={weather_tool()})
    tools = function_tool.definitions + CodeInterpreterTool().definitions
    with agents_client() as client:
        agent, thread = create_agent_and_thread(client, tools)
        run = client.runs.create(thread_id=thread.id, agent_id=agent.id)

        def submit(run):
            action = run.required_action
            if not isinstance(action, SubmitToolOutputsAction):
                fail(f"unexpected required_action {action!r}")
            outputs = []
            for call in action.submit_tool_outputs.tool_calls:
                if not isinstance(call, RequiredFunctionToolCall):
                    fail(f"unexpected tool call {call!r}")
                outputs.append(ToolOutput(tool_call_id=call.id, output=function_tool.execute(call)))
            return client.runs.submit_tool_outputs(thread_id=thread.id, run_id=run.id, tool_outputs=outputs)

        run = poll(client, thread.id, run, submit)
        if run.status != "completed":
            fail(f"run ended {run.status}, expected completed")
        steps = list(client.run_steps.list(thread_id=thread.id, run_id=run.id))
        if [s.type for s in steps] != ["tool_calls", "tool_calls", "message_creation"]:
            fail(f"unexpected run steps {[s.type for s in steps]}")
        messages = list(client.messages.list(thread_id=thread.id))
        if len(messages) != 2:
            fail(f"expected 2 messages, got {len(messages)}")
        client.delete_agent(agent.id)


def scenario_failed() -> None:
    from azure.ai.agents.models import CodeInterpreterTool

    with agents_client() as client:
        agent, thread = create_agent_and_thread(client, CodeInterpreterTool().definitions)
        run = client.runs.create(thread_id=thread.id, agent_id=agent.id)
        run = poll(client, thread.id, run, None)
        if run.status != "failed" or run.last_error is None or run.last_error.code != "rate_limit_exceeded":
            fail(f"run ended {run.status} ({run.last_error!r}), expected failed with rate_limit_exceeded")
        client.delete_agent(agent.id)


def scenario_expired() -> None:
    from azure.ai.agents.models import CodeInterpreterTool, FunctionTool

    # The run asks for the function, and the app never answers: the service expires the run.
    tools = FunctionTool(functions={weather_tool()}).definitions + CodeInterpreterTool().definitions
    with agents_client() as client:
        agent, thread = create_agent_and_thread(client, tools)
        run = client.runs.create(thread_id=thread.id, agent_id=agent.id)
        run = poll(client, thread.id, run, lambda r: client.runs.get(thread_id=thread.id, run_id=r.id))
        if run.status != "expired":
            fail(f"run ended {run.status}, expected expired")
        client.delete_agent(agent.id)


# --- OpenAI ------------------------------------------------------------------------------------------


def scenario_openai() -> None:
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    OpenAIInstrumentor().instrument()
    import openai

    base_url = os.environ.get("OPENAI_BASE_URL") or (os.environ.get("PROJECT_ENDPOINT", "").rstrip("/") + "/openai/v1")
    client = openai.OpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY", "stub-key"))
    completion = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "What is sqrt(1764)?"},
        ],
        temperature=0.2,
        max_tokens=64,
    )
    answer = completion.choices[0].message.content
    if not answer or "42" not in answer:
        fail(f"unexpected answer {answer!r}")
    client.close()


RUNNERS: Dict[str, Callable[[], None]] = {
    "tools": scenario_tools,
    "failed": scenario_failed,
    "expired": scenario_expired,
    "openai": scenario_openai,
}


def main(argv: list[str]) -> int:
    scenario = argv[1] if len(argv) > 1 else os.environ.get("PEER_SCENARIO", "")
    if scenario not in RUNNERS:
        print(f"usage: agent_app.py {{{'|'.join(SCENARIOS)}}} (got {scenario!r})", file=sys.stderr)
        return 2
    tracer_provider, logger_provider = setup_otel()
    if scenario != "openai":
        instrument_azure()
    tracer = trace.get_tracer("nexus-otel.python-peer")
    code = 0
    root = tracer.start_as_current_span(f"scenario {scenario}") if os.environ.get("PEER_ROOT_SPAN", "1") != "0" else nullcontext()
    try:
        with root:
            RUNNERS[scenario]()
    except ScenarioError as error:
        print(f"scenario {scenario}: {error}", file=sys.stderr)
        code = 1
    finally:
        # Flush, then shut down: nothing may be left in the batch processors when the process ends.
        flushed = tracer_provider.force_flush() and logger_provider.force_flush()
        tracer_provider.shutdown()
        logger_provider.shutdown()
        if not flushed:
            print("force_flush timed out", file=sys.stderr)
            code = code or 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
