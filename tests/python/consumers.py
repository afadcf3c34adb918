"""The rules of the tools that load a Trailmark export, restated from their code.

None of these consumers can be installed here (no PyPI), so each function below says
which file of which project the rule comes from and checks the same thing on plain
Python values. Every function returns a list of problems (empty when the rows pass).
"""

import json
import os

# --- Hugging Face datasets -------------------------------------------------------------
# src/datasets/packaged_modules/json/json.py reads JSON Lines in blocks with pyarrow.json,
# which infers one Arrow type per column per block (struct fields of list items are
# unioned inside a block). src/datasets/arrow_writer.py then casts every later table to
# the schema of the first (table.py: table_cast), so a column whose type differs between
# rows that fall in different blocks or files fails with DatasetGenerationCastError.
# Hence: one type per column across all rows of a config, null standing for any type.


def arrow_type(value):
    """The type pyarrow.json infers for one JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element = "null"
        for item in value:
            element = _union(element, arrow_type(item))
        return ("list", element)
    return ("struct", tuple((key, arrow_type(item)) for key, item in value.items()))


def _union(a, b):
    """How pyarrow unifies the items of one list inside one block: null takes the other
    type, structs gain missing fields (null there). Raises TypeError on a real clash."""
    if a == "null":
        return b
    if b == "null" or a == b:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "list":
        return ("list", _union(a[1], b[1]))
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "struct":
        fields = dict(a[1])
        order = [key for key, _ in a[1]]
        for key, kind in b[1]:
            if key not in fields:
                order.append(key)
            fields[key] = _union(fields.get(key, "null"), kind)
        return ("struct", tuple((key, fields[key]) for key in order))
    raise TypeError(f"{describe(a)} and {describe(b)}")


def _castable(a, b):
    """Whether a table of type a casts to the first table's type b (or the reverse):
    equal up to nulls and empty lists; struct fields must match in name and order."""
    if a == "null" or b == "null" or a == b:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "list":
        return _castable(a[1], b[1])
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "struct":
        return [key for key, _ in a[1]] == [key for key, _ in b[1]] and all(
            _castable(x, y) for (_, x), (_, y) in zip(a[1], b[1]))
    return False


def describe(kind):
    if isinstance(kind, tuple) and kind[0] == "list":
        return f"list<{describe(kind[1])}>"
    if isinstance(kind, tuple):
        return "struct{" + ", ".join(key for key, _ in kind[1]) + "}"
    return kind


def hf_json_schema_problems(rows):
    """Rows of one config as `datasets`' json builder would load them."""
    problems = []
    first = {}
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            problems.append(f"row {number} is not an object")
            continue
        for key, value in row.items():
            try:
                kind = arrow_type(value)
            except TypeError as error:
                problems.append(f"row {number} column {key}: list items mix {error}")
                continue
            if key not in first or first[key][1] == "null":
                first[key] = (number, kind)
            elif not _castable(kind, first[key][1]):
                problems.append(f"row {number} column {key} is {describe(kind)}, row {first[key][0]} has "
                                f"{describe(first[key][1])}: datasets cannot cast one to the other")
    return problems


# src/datasets/packaged_modules/__init__.py maps extensions to builders (.json/.jsonl ->
# json, .txt -> text), and src/datasets/load.py infers the module once, from the default
# config's data files, and builds every config of the card with it.
EXTENSION_TO_MODULE = {".json": "json", ".jsonl": "json", ".txt": "text", ".csv": "csv", ".parquet": "parquet"}


def hf_card_builder_problems(config_paths):
    problems = []
    modules = {}
    for name, path in config_paths:
        extension = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        modules[name] = EXTENSION_TO_MODULE.get(extension, f"unknown ({extension})")
    if len(set(modules.values())) > 1:
        problems.append(f"configs need different builders {modules}; datasets uses one for the whole card")
    return problems


# --- OpenAI fine-tuning ----------------------------------------------------------------
# openai-cookbook examples/Chat_finetuning_data_prep.ipynb ("Format validation"): keys
# role and content on every message, no key outside role/content/name/function_call/
# weight, roles system/user/assistant/function, content a string (empty only beside a
# call), at least one assistant message. The notebook predates tools; OpenAI's
# fine-tuning guide adds assistant `tool_calls` and `tool` messages with `tool_call_id`,
# so those (and only those) are accepted too, tool_calls standing where the notebook has
# function_call. Weight is read on assistant messages only and must be 0 or 1.
OPENAI_KEYS = ("role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id")
OPENAI_ROLES = ("system", "user", "assistant", "function", "tool")


def openai_format_errors(example, extra_keys=()):
    errors = []
    if not isinstance(example, dict):
        return ["data_type"]
    messages = example.get("messages", None)
    if not messages:
        return ["missing_messages_list"]
    for index, message in enumerate(messages):
        at = f"message {index}"
        if "role" not in message or "content" not in message:
            errors.append(f"{at}: message_missing_key")
        unknown = [key for key in message if key not in OPENAI_KEYS + tuple(extra_keys)]
        if unknown:
            errors.append(f"{at}: message_unrecognized_key {unknown}")
        if message.get("role", None) not in OPENAI_ROLES:
            errors.append(f"{at}: unrecognized_role {message.get('role')}")
        content = message.get("content", None)
        call = message.get("function_call", None) or message.get("tool_calls", None)
        if (not content and not call) or not isinstance(content, str):
            errors.append(f"{at}: missing_content")
        if "weight" in message and (message.get("role") != "assistant" or message["weight"] not in (0, 1)):
            errors.append(f"{at}: weight {message['weight']} on a message of role {message.get('role')}: "
                          "only 0 or 1, on assistant messages")
    if not any(message.get("role", None) == "assistant" for message in messages):
        errors.append("example_missing_assistant_message")
    return errors


# --- LLaMA-Factory ---------------------------------------------------------------------
# src/llamafactory/data/parser.py (DatasetAttr.join): the keys it reads from an entry of
# dataset_info.json; anything else is ignored, so a misspelt column silently drops data.
LF_FORMATTINGS = ("alpaca", "sharegpt", "openai")
LF_COLUMNS = ("prompt", "query", "response", "history", "messages", "system", "tools", "images", "videos",
              "audios", "chosen", "rejected", "kto_tag")
LF_TAGS = ("role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag", "system_tag")
LF_DEFAULT_TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                   "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
LF_ENTRY_KEYS = ("file_name", "formatting", "ranking", "subset", "split", "folder", "num_samples", "columns", "tags",
                 "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name")


def llamafactory_entry_problems(entry):
    problems = [f"key {key} is not read by parser.py" for key in entry if key not in LF_ENTRY_KEYS]
    if entry.get("formatting", "alpaca") not in LF_FORMATTINGS:
        problems.append(f"formatting {entry.get('formatting')}")
    problems += [f"column {key} is not read" for key in entry.get("columns", {}) if key not in LF_COLUMNS]
    problems += [f"tag {key} is not read" for key in entry.get("tags", {}) if key not in LF_TAGS]
    if "messages" not in entry.get("columns", {}) or "tools" not in entry.get("columns", {}):
        problems.append("columns must name messages and tools, or the tool calls' tools are lost")
    return problems


def _alternates(aligned):
    """The rule both converters end with: user/observation at even indices (0-based),
    assistant/function at odd ones, and an even count (else the row is skipped)."""
    accept = (("user", "observation"), ("assistant", "function"))
    for index, message in enumerate(aligned):
        if message["role"] not in accept[index % 2]:
            return f"turn {index} is {message['role']}, LLaMA-Factory accepts {accept[index % 2]} there: row skipped"
    if len(aligned) % 2 != 0:
        return f"{len(aligned)} turns: LLaMA-Factory skips rows with an odd count"
    return None


def llamafactory_sharegpt(example, entry):
    """data/converter.py SharegptDatasetConverter. Returns (aligned turns, problem)."""
    tags = dict(LF_DEFAULT_TAGS, **entry.get("tags", {}))
    columns = entry.get("columns", {})
    mapping = {tags["user_tag"]: "user", tags["assistant_tag"]: "assistant", tags["observation_tag"]: "observation",
               tags["function_tag"]: "function", tags["system_tag"]: "system"}
    messages = example[columns.get("messages", "conversations")]
    if messages and messages[0][tags["role_tag"]] == tags["system_tag"]:
        messages = messages[1:]
    aligned = []
    for message in messages:
        role = message[tags["role_tag"]]
        if role not in mapping:
            return aligned, f"role {role} has no tag"
        aligned.append({"role": mapping[role], "content": message[tags["content_tag"]]})
    return aligned, _alternates(aligned)


def llamafactory_openai(example, entry):
    """data/converter.py OpenAIDatasetConverter: an assistant message with tool_calls
    becomes a function turn whose content is json.dumps of the calls' `function` objects;
    tool messages are collected and merged into one observation when the next other
    message comes, so tool messages at the very end are never flushed (lost)."""
    tags = dict(LF_DEFAULT_TAGS, **entry.get("tags", {}))
    mapping = {tags["user_tag"]: "user", tags["assistant_tag"]: "assistant", tags["observation_tag"]: "observation",
               tags["function_tag"]: "function", tags["system_tag"]: "system"}
    messages = example[entry.get("columns", {}).get("messages", "conversations")]
    if messages and messages[0][tags["role_tag"]] == tags["system_tag"]:
        messages = messages[1:]
    aligned, pending = [], []
    for message in messages:
        role, content = message[tags["role_tag"]], message[tags["content_tag"]]
        if role in (tags["assistant_tag"], tags["function_tag"]) and message.get("tool_calls"):
            content = json.dumps([call["function"] for call in message["tool_calls"]], ensure_ascii=False)
            role = tags["function_tag"]
        if role == tags["observation_tag"]:
            pending.append(content)
            continue
        if pending:
            aligned.append({"role": "observation", "content": "\n</tool_response>\n<tool_response>\n".join(pending)})
            pending = []
        if role not in mapping:
            return aligned, f"role {role} has no tag"
        aligned.append({"role": mapping[role], "content": content})
    if pending:
        return aligned, f"{len(pending)} tool messages at the end are never flushed"
    return aligned, _alternates(aligned)


def llamafactory_function_problems(aligned):
    """data/formatter.py FunctionFormatter: a function turn's content is JSON, one call or
    a list of calls, each with name and arguments."""
    problems = []
    for turn in aligned:
        if turn["role"] != "function":
            continue
        try:
            calls = json.loads(turn["content"])
        except json.JSONDecodeError:
            problems.append(f"function turn is not JSON: {turn['content'][:80]}")
            continue
        for call in calls if isinstance(calls, list) else [calls]:
            if not isinstance(call, dict) or "name" not in call or "arguments" not in call:
                problems.append(f"function call without name and arguments: {call}")
    return problems


# --- Axolotl ---------------------------------------------------------------------------
# src/axolotl/prompt_strategies/chat_template.py: field_messages "messages" must be a
# list, field_tools "tools" a list of dicts (a string raises "Unknown tools format"),
# a tool's parameters a dict or JSON text, roles mapped by its default table, message
# properties role/content/tool plus field_thinking "reasoning_content", and string
# tool_calls arguments are json.loads'ed (a bad one raises).
AXOLOTL_ROLES = ("human", "user", "assistant", "gpt", "system", "tool")


def axolotl_chat_template_problems(example):
    problems = []
    messages = example.get("messages")
    if not isinstance(messages, list):
        return ["messages is not a list"]
    tools = example.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            problems.append(f"tools is {type(tools).__name__}, Axolotl needs a list of dicts")
        else:
            for tool in tools:
                parameters = tool.get("function", {}).get("parameters") if isinstance(tool, dict) else None
                if isinstance(parameters, str):
                    json.loads(parameters)
                elif not isinstance(parameters, dict):
                    problems.append(f"tool {tool} has no parameters object")
    for index, message in enumerate(messages):
        if message.get("role") not in AXOLOTL_ROLES:
            problems.append(f"message {index}: role {message.get('role')} is not in Axolotl's role map")
        for call in message.get("tool_calls") or []:
            arguments = call.get("function", {}).get("arguments")
            if isinstance(arguments, str):
                try:
                    json.loads(arguments)
                except json.JSONDecodeError:
                    problems.append(f"message {index}: tool_calls arguments are not JSON")
    return problems


# --- TRL -------------------------------------------------------------------------------
# examples/datasets/prm800k.py: load_dataset("json") then a batched map that removes
# exactly these columns (a missing one raises; one left over breaks the batched map,
# whose output has another number of rows) and reads question.problem and
# label.steps[].{completions[].{text, rating}, human_completion, chosen_completion}.
PRM800K_COLUMNS = ["labeler", "timestamp", "generation", "is_quality_control_question",
                   "is_initial_screening_question", "question", "label"]
PRM800K_FINISH_REASONS = ("solution", "found_error", "give_up", "bad_problem")


def trl_prm800k(example):
    """The script's process_example restated. Returns (outputs, problems)."""
    problems = []
    if sorted(example) != sorted(PRM800K_COLUMNS):
        problems.append(f"columns {sorted(example)}; the script removes exactly {PRM800K_COLUMNS}")
        return [], problems
    prompt = example["question"]["problem"]
    if not isinstance(prompt, str) or not prompt:
        problems.append("question.problem must be text")
    outputs, previous, labels = [], [], []
    for step in example["label"]["steps"]:
        completions = step["completions"]
        if completions is None and step["human_completion"] is None and step["chosen_completion"] is None:
            break
        for index, completion in enumerate(completions):
            if completion["rating"] not in (-1, 0, 1):
                problems.append(f"a completion's rating {completion['rating']} is not PRM800K's -1/0/1")
            if not isinstance(completion.get("flagged"), bool):
                problems.append("a completion lacks PRM800K's flagged flag")
            if index != step["chosen_completion"]:
                outputs.append({"prompt": prompt, "completions": previous + [completion["text"]],
                                "labels": labels + [completion["rating"] == 1]})
        chosen = step["chosen_completion"]
        if chosen is not None:
            if not 0 <= chosen < len(completions):
                problems.append(f"chosen_completion {chosen} of {len(completions)} completions")
                break
            text, label = completions[chosen]["text"], completions[chosen]["rating"] == 1
        elif step["human_completion"] is not None:
            text, label = step["human_completion"]["text"], True
        else:
            break
        previous.append(text)
        labels.append(label)
    outputs.append({"prompt": prompt, "completions": previous, "labels": labels})
    if example["label"].get("finish_reason") not in PRM800K_FINISH_REASONS:
        problems.append(f"label.finish_reason {example['label'].get('finish_reason')} is not one of PRM800K's")
    return outputs, problems


# Computer-use action spaces. Anthropic's computer tool (computer_20250124): the action
# names and the parameters each needs, from its tool definition.
ANTHROPIC_COMPUTER_ACTIONS = {
    "left_click": ("coordinate",), "right_click": ("coordinate",), "middle_click": ("coordinate",),
    "double_click": ("coordinate",), "triple_click": ("coordinate",),
    "left_click_drag": ("start_coordinate", "coordinate"),
    "scroll": ("coordinate", "scroll_direction", "scroll_amount"),
    "type": ("text",), "key": ("text",),
}
SCROLL_DIRECTIONS = ("up", "down", "left", "right")


def anthropic_computer_problems(arguments, screen):
    problems = []
    action = arguments.get("action")
    if action not in ANTHROPIC_COMPUTER_ACTIONS:
        return [f"computer action {action!r} is not one of Anthropic's"]
    for name in ANTHROPIC_COMPUTER_ACTIONS[action]:
        if name not in arguments:
            problems.append(f"computer {action} without {name}")
    for name in ("coordinate", "start_coordinate"):
        if name in arguments:
            point = arguments[name]
            if (not isinstance(point, list) or len(point) != 2 or not all(isinstance(v, int) for v in point)
                    or not (0 <= point[0] < screen[0] and 0 <= point[1] < screen[1])):
                problems.append(f"computer {name} {point} is not [x, y] on the {screen[0]}x{screen[1]} screen")
    if action == "scroll" and arguments.get("scroll_direction") not in SCROLL_DIRECTIONS:
        problems.append(f"scroll_direction {arguments.get('scroll_direction')!r}")
    if action == "scroll" and not (isinstance(arguments.get("scroll_amount"), int) and arguments["scroll_amount"] > 0):
        problems.append("scroll_amount must be a positive integer")
    return problems


# OpenCUA / AgentNet: one or more pyautogui calls, coordinates normalised to 0..1, as
# its action parser (ast over the code) reads them.
PYAUTOGUI_FUNCTIONS = ("click", "doubleClick", "tripleClick", "rightClick", "middleClick", "moveTo", "dragTo",
                       "scroll", "hscroll", "write", "press", "hotkey")
PYAUTOGUI_KEYS = {"enter", "esc", "tab", "backspace", "delete", "space", "left", "right", "up", "down", "home", "end",
                  "pageup", "pagedown", "insert", "win", "ctrl", "alt", "shift", "capslock", "printscreen", "apps"}


def pyautogui_problems(code):
    import ast
    problems = []
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        return [f"pyautogui code does not parse: {error}"]
    for statement in tree.body:
        call = getattr(statement, "value", None)
        if not (isinstance(statement, ast.Expr) and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", None) == "pyautogui"
                and call.func.attr in PYAUTOGUI_FUNCTIONS):
            problems.append(f"not a pyautogui call: {ast.unparse(statement)}")
            continue
        for keyword in call.keywords:
            if keyword.arg in ("x", "y"):
                value = ast.literal_eval(keyword.value)
                if not (isinstance(value, float) and 0.0 <= value <= 1.0):
                    problems.append(f"pyautogui {keyword.arg}={value} is not normalised to 0..1")
        if call.func.attr in ("press", "hotkey"):
            for argument in call.args:
                key = ast.literal_eval(argument)
                if key not in PYAUTOGUI_KEYS and not (len(key) == 1 or (key[0] == "f" and key[1:].isdigit())):
                    problems.append(f"pyautogui key {key!r} is not one of pyautogui's KEYBOARD_KEYS")
    return problems


# OpenAI's computer-use actions (the computer_call action types and their fields).
OPENAI_COMPUTER_FIELDS = {
    "click": {"button", "x", "y"}, "double_click": {"x", "y"}, "drag": {"path"},
    "scroll": {"x", "y", "scroll_x", "scroll_y"}, "type": {"text"}, "keypress": {"keys"},
}
OPENAI_BUTTONS = ("left", "right", "wheel", "back", "forward")


def openai_computer_problems(actions):
    problems = []
    if not isinstance(actions, list):
        return ["OpenAI computer actions are not a list"]
    for action in actions:
        kind = action.get("type")
        if kind not in OPENAI_COMPUTER_FIELDS:
            problems.append(f"OpenAI computer action type {kind!r}")
            continue
        if set(action) - {"type"} != OPENAI_COMPUTER_FIELDS[kind]:
            problems.append(f"OpenAI {kind} has fields {sorted(action)}")
        if kind == "click" and action["button"] not in OPENAI_BUTTONS:
            problems.append(f"OpenAI click button {action['button']!r}")
        if kind == "keypress" and not all(isinstance(k, str) and k == k.upper() for k in action["keys"]):
            problems.append(f"OpenAI keypress keys {action['keys']} are not upper-case key names")
    return problems


# LLaMA-Factory's multimodal rule (src/llamafactory/data/mm_plugin.py, _validate_input
# and the converters' _find_medias): as many "<image>" placeholders in a row's messages
# as paths in its images column, each path a file under the dataset directory.
LF_IMAGE_PLACEHOLDER = "<image>"


def llamafactory_image_problems(turns, images, dataset_dir):
    problems = []
    if not isinstance(images, list):
        return [f"images is {type(images).__name__}, not a list"]
    placeholders = sum(str(turn.get("value", turn.get("content", ""))).count(LF_IMAGE_PLACEHOLDER) for turn in turns)
    if placeholders != len(images):
        problems.append(f"{placeholders} {LF_IMAGE_PLACEHOLDER} placeholders but {len(images)} images")
    for image in images:
        if os.path.isabs(image) or not os.path.isfile(os.path.join(dataset_dir, image)):
            problems.append(f"image {image} is not a file under the dataset directory")
    return problems
