#!/usr/bin/env python3
"""Loads a `trailmark export` folder the way its consumers do and checks their rules.

Usage: validate_export.py DIR --sessions N --steps N [--protoc PROTOC]

Each format is read with the real consumer libraries (json, pandas, protobuf) and
checked against the rules of the tools that train on it, restated from their code in
consumers.py: OpenAI's chat fine-tuning format checks, LLaMA-Factory's dataset_info
parser and converters, Axolotl's chat_template strategy, TRL's PRM800K reader, the
Hugging Face datasets card and json loader; and ATIF's schema. Any violation prints
"FAIL: <file>:<line>: <what>" and exits 1.
"""

import argparse
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime

import consumers

problems = []
# Rules a realistic export must exercise (--require-coverage): a check that never ran
# on a case proves nothing about it.
covered = set()
# The outcomes a step may have (StepOutcome, app/chains/Step.cpp).
OUTCOMES = ("ok", "error", "no-result", "stopped", "interrupted", "unknown")


def fail(where, what):
    problems.append(f"{where}: {what}")


def read_jsonl(path):
    rows = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                rows.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                fail(f"{path}:{number}", f"not a JSON line: {error}")
    return rows


def check_stable_keys_and_types(path, rows):
    """Every key on every row, and one type per key (plus null)."""
    if not rows:
        return
    keys = list(rows[0].keys())
    types = {}
    for number, row in enumerate(rows, 1):
        if list(row.keys()) != keys:
            fail(f"{path}:{number}", f"keys differ from the first row: {sorted(set(row) ^ set(keys))}")
        for key, value in row.items():
            if value is None:
                continue
            kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__
            if types.setdefault(key, kind) != kind:
                fail(f"{path}:{number}", f"key {key} is {kind} here, {types[key]} elsewhere")
    for problem in consumers.hf_json_schema_problems(rows):
        fail(path, f"(Hugging Face datasets json loader) {problem}")


def check_pandas(path, expected_columns):
    import pandas

    frame = pandas.read_json(path, lines=True, dtype=False)
    missing = [column for column in expected_columns if column not in frame.columns]
    if missing:
        fail(path, f"pandas frame lacks columns {missing}; has {list(frame.columns)}")
    return frame


AGENT_CHAIN_COLUMNS = [
    "session_id", "task", "expert", "session_verdict", "step_index", "tool", "action", "arguments",
    "observation", "outcome", "error_reasons", "thought", "thought_source", "start_ns", "end_ns",
    "duration_ns", "start_time", "event_ids", "command", "command_base64", "cwd", "cwd_base64", "shell",
    "shell_session_id", "host", "exit_code", "signal", "output_head", "output_head_base64", "output_tail",
    "output_tail_base64", "output_captured", "output_truncated", "output_bytes", "work_tree", "file_changes",
    "files_changed", "diff", "diff_base64", "app", "app_instance", "titles", "note_kind", "images", "attempt",
    "retry_of", "retried_by", "recovers", "fix_steps", "rating", "labels", "annotations",
    "gui_action", "gui_element", "pyautogui", "openai_computer_actions",
]


GUI_COLUMNS = ("gui_action", "gui_element", "pyautogui", "openai_computer_actions")


def check_computer_row(where, root, row):
    """A GUI action in each computer-use action space, with its keyframe."""
    gui = row["gui_action"]
    screen = (gui["screen_width"], gui["screen_height"])
    arguments = json.loads(row["arguments"])
    for problem in consumers.anthropic_computer_problems(arguments, screen):
        fail(where, problem)
    if gui["withheld_reason"] is None:
        for problem in consumers.pyautogui_problems(row["pyautogui"]):
            fail(where, problem)
        covered.add("computer: a replayable action")
    else:
        if row["pyautogui"] is not None or arguments.get("text"):
            fail(where, "withheld text reached the computer-use actions")
        covered.add("computer: withheld text")
    for problem in consumers.openai_computer_problems(json.loads(row["openai_computer_actions"])):
        fail(where, problem)
    if not row["images"]:
        fail(where, "a GUI action without its keyframe")
    if row["gui_element"] is not None:
        x, y, width, height = row["gui_element"]["bounds"]
        if width < 0 or height < 0:
            fail(where, f"element bounds {row['gui_element']['bounds']}")


def check_agent_chain(root, expected_steps):
    path = os.path.join(root, "agent_chain", "train.jsonl")
    rows = read_jsonl(path)
    check_stable_keys_and_types(path, rows)
    frame = check_pandas(path, AGENT_CHAIN_COLUMNS)
    if len(frame) != expected_steps:
        fail(path, f"{len(frame)} rows, expected {expected_steps} steps")
    for number, row in enumerate(rows, 1):
        where = f"{path}:{number}"
        if row["tool"] not in ("shell", "edit", "computer", "app", "note"):
            fail(where, f"bad tool {row['tool']}")
        if row["tool"] == "computer":
            check_computer_row(where, root, row)
        elif any(row[column] is not None for column in GUI_COLUMNS):
            fail(where, "GUI action columns on a step that is no GUI action")
        if row["tool"] == "edit" and (not isinstance(row["file_changes"], list) or row["diff"] is None):
            fail(where, "an edit row without its file_changes and diff")
        if row["diff_base64"] is not None:
            base64.b64decode(row["diff_base64"], validate=True)
        if any(not isinstance(fix, int) or not 0 <= fix < row["step_index"] for fix in row["fix_steps"]):
            fail(where, f"fix_steps {row['fix_steps']} must name earlier steps")
        if row["fix_steps"] and row["recovers"] is None:
            fail(where, "fix_steps on a step that recovers nothing")
        if row["outcome"] not in OUTCOMES:
            fail(where, f"bad outcome {row['outcome']}")
        covered.add(f"agent_chain: a step whose outcome is {row['outcome']}")
        if row["arguments"] is not None and not isinstance(json.loads(row["arguments"]), dict):
            fail(where, "arguments is not a JSON object string")
        if row["command_base64"] is not None:
            base64.b64decode(row["command_base64"], validate=True)
        for image in row["images"]:
            if not os.path.isfile(os.path.join(root, image)) or os.path.isabs(image):
                fail(where, f"image {image} is not a relative path to a file in the export")
        if row["retry_of"] is not None and row["attempt"] < 2:
            fail(where, "a retry with attempt < 2")
        if row["rating"] not in (None, -1, 0, 1):
            fail(where, f"rating {row['rating']}")
        datetime.fromisoformat(row["start_time"].replace("Z", "+00:00"))


def check_openai(root, expected_sessions, folder):
    """OpenAI's format checks, then the tool-call pairing its API enforces, then Axolotl."""
    reasoning = folder == "openai_reasoning"
    path = os.path.join(root, folder, "train.jsonl")
    rows = read_jsonl(path)
    check_stable_keys_and_types(path, rows)
    check_pandas(path, ["messages", "tools"])
    if len(rows) != expected_sessions:
        fail(path, f"{len(rows)} conversations, expected {expected_sessions}")
    for number, row in enumerate(rows, 1):
        where = f"{path}:{number}"
        # openai/ must pass the checks as they stand; openai_reasoning/ adds one key.
        for error in consumers.openai_format_errors(row, ("reasoning_content",) if reasoning else ()):
            fail(where, f"(OpenAI format check) {error}")
        for problem in consumers.axolotl_chat_template_problems(row):
            fail(where, f"(Axolotl chat_template) {problem}")
        tools = row.get("tools")
        if not isinstance(tools, list) or not tools:
            fail(where, "tools must be a non-empty list")
            continue
        names = set()
        schemas = {}
        for tool in tools:
            function = tool.get("function", {})
            if tool.get("type") != "function" or not isinstance(function.get("name"), str):
                fail(where, f"bad tool schema {tool}")
            if function.get("parameters", {}).get("type") != "object":
                fail(where, f"tool {function.get('name')} parameters must be an object schema")
            names.add(function.get("name"))
            schemas[function.get("name")] = function.get("parameters", {})
        messages = row.get("messages")
        if not isinstance(messages, list) or not messages:
            fail(where, "missing messages list")
            continue
        open_calls = []
        for index, message in enumerate(messages):
            at = f"{where} message {index}"
            role = message.get("role")
            if role == "assistant":
                if open_calls:
                    fail(at, f"tool calls {open_calls} have no tool message before the next assistant turn")
                if reasoning and message.get("tool_calls") and message.get("content") != "":
                    fail(at, "openai_reasoning keeps the thought in reasoning_content, content empty")
                for call in message.get("tool_calls", []):
                    if call.get("type") != "function" or not isinstance(call.get("id"), str):
                        fail(at, f"bad tool call {call}")
                    function = call.get("function", {})
                    if function.get("name") not in names:
                        fail(at, f"tool call to unknown function {function.get('name')}")
                    arguments = function.get("arguments")
                    if not isinstance(arguments, str):
                        fail(at, "function arguments must be a JSON string")
                    elif not isinstance(json.loads(arguments), dict):
                        fail(at, "function arguments must encode an object")
                    else:
                        for problem in arguments_against_schema(json.loads(arguments),
                                                                schemas.get(function.get("name"), {})):
                            fail(at, f"{function.get('name')}: {problem}")
                    open_calls.append(call.get("id"))
            elif role == "tool":
                if message.get("tool_call_id") not in open_calls:
                    fail(at, f"tool message answers unknown call {message.get('tool_call_id')}")
                else:
                    open_calls.remove(message.get("tool_call_id"))
        if open_calls:
            fail(where, f"tool calls never answered: {open_calls}")
        if messages[-1].get("role") != "assistant":
            fail(where, "the last message must be the assistant's")
    if any(message.get("reasoning_content" if reasoning else "content") for row in rows
           for message in row["messages"] if message.get("tool_calls")):
        covered.add(f"{folder}: an action with the expert's thought")
    if any(message.get("weight") == 0 for row in rows for message in row["messages"]):
        covered.add(f"{folder}: a retried attempt with weight 0")
    return rows


def check_openai_weights(root, rows, folder):
    """Failed attempts that were retried are context, not targets: weight 0, as many as
    the agent chain has retried steps."""
    chain = os.path.join(root, "agent_chain", "train.jsonl")
    if not os.path.isfile(chain):
        return
    retried = sum(1 for row in read_jsonl(chain) if row["retried_by"] is not None)
    zero = sum(1 for row in rows for message in row["messages"] if message.get("weight") == 0)
    if retried != zero:
        fail(f"{folder}/train.jsonl", f"{zero} messages with weight 0, the agent chain has {retried} retried steps")


def check_dataset_info(root, formats):
    """LLaMA-Factory's parser.py and converter.py on dataset_info.json and its files."""
    info_path = os.path.join(root, "dataset_info.json")
    with open(info_path, encoding="utf-8") as handle:
        info = json.load(handle)
    expected = []
    if "openai" in formats:
        expected.append("trailmark_openai")
    if "openai-reasoning" in formats:
        expected.append("trailmark_openai_reasoning")
    if "sharegpt" in formats:
        expected.append("trailmark_sharegpt")
    if list(info) != expected:
        fail(info_path, f"entries {list(info)}, expected every chat folder: {expected}")
    for name, entry in info.items():
        for problem in consumers.llamafactory_entry_problems(entry):
            fail(info_path, f"{name}: {problem}")
        file_path = os.path.join(root, entry["file_name"])
        if not os.path.isfile(file_path):
            fail(info_path, f"{name} points at missing {entry['file_name']}")
            continue
        convert = consumers.llamafactory_openai if entry.get("formatting") == "openai" \
            else consumers.llamafactory_sharegpt
        for number, row in enumerate(read_jsonl(file_path), 1):
            where = f"{entry['file_name']}:{number} (LLaMA-Factory {name})"
            tools = row.get(entry.get("columns", {}).get("tools"))
            if not tools or not isinstance(tools, (str, list)):
                fail(where, "no tools for the converter's _tools")
            try:
                aligned, problem = convert(row, entry)
            except KeyError as error:
                fail(where, f"the converter reads a missing key {error}")
                continue
            if problem:
                fail(where, problem)
            if not any(turn["role"] == "function" for turn in aligned):
                fail(where, "no function turn: the tool calls are not read")
            images_column = entry.get("columns", {}).get("images")
            if images_column:
                messages = row.get(entry["columns"].get("messages", "conversations"), [])
                for problem in consumers.llamafactory_image_problems(messages, row.get(images_column), root):
                    fail(where, problem)
            for problem in consumers.llamafactory_function_problems(aligned):
                fail(where, problem)


def arguments_against_schema(arguments, parameters):
    """What a model is trained to call must be callable: every required parameter given,
    none that the tool does not declare, each of its declared JSON type (OpenAI's strict
    function calling and vLLM's tool parsers validate calls against the same schema)."""
    problems = []
    properties = parameters.get("properties", {})
    for name in parameters.get("required", []):
        if name not in arguments:
            problems.append(f"required argument {name} missing")
    types = {"string": str, "array": list, "object": dict, "boolean": bool, "integer": int, "number": (int, float)}
    for name, value in arguments.items():
        if name not in properties:
            problems.append(f"argument {name} is not in the tool's schema")
        elif not isinstance(value, types.get(properties[name].get("type"), object)):
            problems.append(f"argument {name} is not of type {properties[name].get('type')}")
    return problems


def check_sharegpt(root, expected_sessions):
    path = os.path.join(root, "sharegpt", "train.jsonl")
    rows = read_jsonl(path)
    check_stable_keys_and_types(path, rows)
    check_pandas(path, ["conversations", "system", "tools", "images"])
    if len(rows) != expected_sessions:
        fail(path, f"{len(rows)} conversations, expected {expected_sessions}")
    for number, row in enumerate(rows, 1):
        where = f"{path}:{number}"
        # As LLaMA-Factory's own README registers ShareGPT with tools; dataset_info.json is
        # checked on its own, so a broken registration does not hide a broken row.
        _, problem = consumers.llamafactory_sharegpt(row, {"columns": {"messages": "conversations"}})
        if problem:
            fail(where, f"(LLaMA-Factory SharegptDatasetConverter) {problem}")
        if not isinstance(row["tools"], str) or not isinstance(json.loads(row["tools"]), list):
            fail(where, "tools must be a JSON string holding a list")
        # (A row without the column is reported by check_pandas above.)
        for problem in consumers.llamafactory_image_problems(row["conversations"], row.get("images", []), root):
            fail(where, f"(LLaMA-Factory mm_plugin) {problem}")
        if row.get("images"):
            covered.add("sharegpt: a GUI action's keyframe as an image")
        for turn in row["conversations"]:
            if turn["from"] == "function_call":
                call = json.loads(turn["value"])
                if set(call) != {"name", "arguments"} or not isinstance(call["arguments"], dict):
                    fail(where, f"function_call value {turn['value']} is not {{name, arguments}}")
                    continue
                schemas = {tool["function"]["name"]: tool["function"]["parameters"]
                           for tool in json.loads(row["tools"])}
                if call["name"] not in schemas:
                    fail(where, f"function_call to {call['name']}, which tools does not declare")
                for problem in arguments_against_schema(call["arguments"], schemas.get(call["name"], {})):
                    fail(where, f"{call['name']}: {problem}")


def check_atif(root, expected_sessions):
    files = sorted(glob.glob(os.path.join(root, "atif", "*.json")))
    if len(files) != expected_sessions:
        fail(os.path.join(root, "atif"), f"{len(files)} trajectories, expected {expected_sessions}")
    for path in files:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        if not str(document.get("schema_version", "")).startswith("ATIF-v1."):
            fail(path, f"schema_version {document.get('schema_version')}")
        if os.path.basename(path) != document.get("session_id") + ".json":
            fail(path, "file name and session_id differ")
        agent = document.get("agent", {})
        if not isinstance(agent.get("name"), str) or not isinstance(agent.get("version"), str):
            fail(path, "agent needs name and version strings")
        for index, step in enumerate(document.get("steps", []), 1):
            at = f"{path} step {index}"
            if step.get("step_id") != index:
                fail(at, f"step_id {step.get('step_id')} is not sequential from 1")
            if step.get("source") not in ("user", "agent", "system"):
                fail(at, f"source {step.get('source')}")
            datetime.fromisoformat(step["timestamp"].replace("Z", "+00:00"))
            if not isinstance(step.get("message"), str):
                fail(at, "message must be a string")
            calls = {call["tool_call_id"] for call in step.get("tool_calls", [])}
            for call in step.get("tool_calls", []):
                if not isinstance(call.get("function_name"), str) or not isinstance(call.get("arguments"), dict):
                    fail(at, f"bad tool call {call}")
            results = step.get("observation", {}).get("results", [])
            if {result["source_call_id"] for result in results} != calls:
                fail(at, "observation results do not answer the tool calls")
            if step["source"] != "agent" and (calls or "observation" in step):
                fail(at, "only agent steps may call tools")
        if document.get("final_metrics", {}).get("total_steps") != len(document.get("steps", [])):
            fail(path, "final_metrics.total_steps does not count the steps")


def check_reasoning(root, expected_sessions):
    """PRM800K's rows as TRL's examples/datasets/prm800k.py reads them."""
    path = os.path.join(root, "reasoning", "train.jsonl")
    rows = read_jsonl(path)
    check_stable_keys_and_types(path, rows)
    check_pandas(path, consumers.PRM800K_COLUMNS)
    if len(rows) != expected_sessions:
        fail(path, f"{len(rows)} chains, expected {expected_sessions}")
    rated = 0
    for number, row in enumerate(rows, 1):
        where = f"{path}:{number}"
        outputs, problems = consumers.trl_prm800k(row)
        for problem in problems:
            fail(where, f"(TRL prm800k.py) {problem}")
        if not outputs:
            fail(where, "TRL's reader makes no example of it")
            continue
        for step in row["label"]["steps"]:
            chosen = step["human_completion"] if step["chosen_completion"] is None \
                else step["completions"][step["chosen_completion"]]
            if not isinstance(chosen["text"], str) or not chosen["text"]:
                fail(where, "a step without text")
            if not isinstance(chosen["labels"], list):
                fail(where, "labels must be a list")
            if step["chosen_completion"] is None:
                covered.add("reasoning: an unrated step as human_completion")
            else:
                covered.add(f"reasoning: a step rated by the {chosen['rating_source']}")


def check_react(root, expected_sessions):
    files = sorted(glob.glob(os.path.join(root, "react", "*.txt")))
    if len(files) != expected_sessions:
        fail(os.path.join(root, "react"), f"{len(files)} transcripts, expected {expected_sessions}")
    for path in files:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        if not lines[0].startswith("Question: ") or not any(line.startswith("Final Answer: ") for line in lines):
            fail(path, "needs a Question and a Final Answer")
        for index, line in enumerate(lines):
            if line.startswith("Action: "):
                if not lines[index + 1].startswith("Action Input: "):
                    fail(path, f"line {index + 2}: Action without Action Input")
                elif not isinstance(json.loads(lines[index + 1][len("Action Input: "):]), dict):
                    fail(path, f"line {index + 2}: Action Input is not a JSON object")
                if not lines[index + 2].startswith("Observation: "):
                    fail(path, f"line {index + 3}: Action without Observation")


def check_protobuf(root, expected_events, protoc):
    """Compiles the shipped .proto files with protoc and parses trailmark.pb with them."""
    with tempfile.TemporaryDirectory() as generated:
        proto_root = os.path.join(root, "proto")
        protos = sorted(glob.glob(os.path.join(proto_root, "trailmark", "v1", "*.proto")))
        if len(protos) != 4:
            fail(proto_root, f"expected 4 .proto files, found {len(protos)}")
            return
        subprocess.run([protoc, f"--proto_path={proto_root}", f"--python_out={generated}", *protos], check=True)
        sys.path.insert(0, generated)
        from trailmark.v1 import event_pb2
        from google.protobuf.internal.decoder import _DecodeVarint32

        path = os.path.join(root, "trailmark.pb")
        with open(path, "rb") as handle:
            data = handle.read()
        position = 0
        events = []
        while position < len(data):
            size, position = _DecodeVarint32(data, position)
            if position + size > len(data):
                fail(path, f"the last message is cut short ({len(data) - position} of {size} bytes)")
                break
            event = event_pb2.Event()
            try:
                event.ParseFromString(data[position:position + size])
            except Exception as error:  # protobuf's DecodeError differs between implementations
                fail(path, f"message at byte {position} does not parse: {error}")
                break
            position += size
            events.append(event)
        if position < len(data) and not problems:
            fail(path, "trailing bytes after the last event")
        if len(events) != expected_events:
            fail(path, f"{len(events)} events, expected {expected_events}")
        next_seq = {}
        for event in events:
            if not event.id or not event.session_id or event.time_ns <= 0:
                fail(path, f"event {event.seq} of {event.session_id} lacks its envelope")
            # Increasing, not gapless: an event whose stored payload is damaged is left out.
            if event.seq < next_seq.get(event.session_id, 0):
                fail(path, f"session {event.session_id}: seq {event.seq} out of order")
            next_seq[event.session_id] = event.seq + 1
            if event.WhichOneof("body") is None:
                fail(path, f"event {event.id} has no body")


CARD_CONFIGS = {"agent-chain": [("agent_chain", "agent_chain/train.jsonl")],
                "openai": [("openai", "openai/train.jsonl")],
                "openai-reasoning": [("openai_reasoning", "openai_reasoning/train.jsonl")],
                "sharegpt": [("sharegpt", "sharegpt/train.jsonl")],
                "reasoning": [("reasoning", "reasoning/train.jsonl")]}


def check_dataset_card(root, formats):
    """The card as datasets' load.py reads it: the YAML configs, one builder for all."""
    path = os.path.join(root, "README.md")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.startswith("---\n"):
        fail(path, "no YAML front matter")
        return
    front = text[4:text.index("\n---\n", 4)]
    configs = []
    for line in front.splitlines():
        if line.startswith("- config_name:"):
            configs.append([line.split(":", 1)[1].strip(), []])
        elif line.strip().startswith("path:") and configs:
            configs[-1][1].append(line.split(":", 1)[1].strip())
    expected = [config for name in formats for config in CARD_CONFIGS.get(name, [])]
    if [(name, paths) for name, paths in configs] != [(name, [file]) for name, file in expected]:
        fail(path, f"configs {configs}, expected {expected}")
    for problem in consumers.hf_card_builder_problems([(name, pattern) for name, paths in configs
                                                       for pattern in paths]):
        fail(path, problem)
    for name, patterns in configs:
        files = sorted(file for pattern in patterns for file in glob.glob(os.path.join(root, pattern)))
        if not files:
            fail(path, f"config {name} matches no file")
        rows = [row for file in files for row in read_jsonl(file)]
        for problem in consumers.hf_json_schema_problems(rows):
            fail(path, f"config {name}: {problem}")
    if "## Statistics" not in text:
        fail(path, "no statistics section")
    if {"openai", "openai-reasoning"} & set(formats) and "reasoning_content" not in text:
        fail(path, "the card must say where reasoning_content is")
    if "reasoning" in formats and "PRM800K's row shape" not in text:
        fail(path, "the card must name the reasoning rows' format")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--sessions", type=int, required=True, help="sessions with actions")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--all-sessions", type=int, help="every exported session (default: --sessions)")
    parser.add_argument("--events", type=int, default=-1, help="events in trailmark.pb")
    parser.add_argument("--protoc", default="protoc")
    parser.add_argument("--require-coverage", action="store_true",
                        help="fail unless the export exercises every rule that needs a case")
    parser.add_argument("--formats", default="agent-chain,openai,openai-reasoning,sharegpt,atif,reasoning,react,protobuf,hf")
    arguments = parser.parse_args()
    formats = arguments.formats.split(",")
    root = arguments.root
    if "agent-chain" in formats:
        check_agent_chain(root, arguments.steps)
    for format_name, folder in (("openai", "openai"), ("openai-reasoning", "openai_reasoning")):
        if format_name in formats:
            check_openai_weights(root, check_openai(root, arguments.sessions, folder), folder)
    if "sharegpt" in formats:
        check_sharegpt(root, arguments.sessions)
    if {"openai", "openai-reasoning", "sharegpt"} & set(formats):
        check_dataset_info(root, formats)
    all_sessions = arguments.all_sessions if arguments.all_sessions is not None else arguments.sessions
    if "atif" in formats:
        check_atif(root, all_sessions)
    if "reasoning" in formats:
        check_reasoning(root, all_sessions)
    if "react" in formats:
        check_react(root, all_sessions)
    if "protobuf" in formats:
        check_protobuf(root, arguments.events, arguments.protoc)
    if "hf" in formats:
        check_dataset_card(root, formats)
    if arguments.require_coverage:
        wanted = []
        for format_name, folder in (("openai", "openai"), ("openai-reasoning", "openai_reasoning")):
            if format_name in formats:
                wanted += [f"{folder}: {case}"
                           for case in ("an action with the expert's thought", "a retried attempt with weight 0")]
        if "agent-chain" in formats:
            # unknown (a shell that could not tell the exit status) needs an old hook.
            wanted += [f"agent_chain: a step whose outcome is {outcome}" for outcome in OUTCOMES if outcome != "unknown"]
        if "reasoning" in formats:
            wanted += ["reasoning: an unrated step as human_completion", "reasoning: a step rated by the reviewer",
                       "reasoning: a step rated by the retry"]
        for case in wanted:
            if case not in covered:
                fail(root, f"the export has no case of: {case}")
    if problems:
        for problem in problems:
            print("FAIL:", problem)
        return 1
    print(f"OK: {', '.join(formats)} in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
