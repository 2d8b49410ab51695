#!/usr/bin/env python3
"""Renders chat templates with Jinja2 exactly as transformers' apply_chat_template does, as the oracle for
prime4j's ChatTemplate (Jinjava). Needs only jinja2 (Debian's /usr/bin/python3 lacks it here; the python3
first on PATH has it):

    python3 model/src/test/python/gen_chat_template_fixtures.py

Writes model/src/test/resources/chat/expected_renders.json.
"""
import json
import os

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
CHAT = os.path.join(HERE, "..", "resources", "chat")
MAIN = os.path.join(HERE, "..", "..", "main", "resources", "org", "prime4j", "model", "tokenizer")

TEMPLATES = {
    "qwen2.5-instruct": (os.path.join(CHAT, "qwen2.5-instruct.jinja"), {}),
    "llama-3-instruct": (os.path.join(CHAT, "llama-3-instruct.jinja"),
                         {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
    "chatml": (os.path.join(MAIN, "chatml.jinja"), {}),
}

CHATS = [
    [{"role": "user", "content": "What is 2+3?"}],
    [{"role": "system", "content": "You are a math tutor."},
     {"role": "user", "content": "Solve x^2 = 4."},
     {"role": "assistant", "content": "x = 2 or x = -2, so the answer is \\boxed{\\pm 2}."},
     {"role": "user", "content": "Thanks! And 3+4?"}],
    [{"role": "user", "content": "  h\u00e9llo\n\tw\u00f6rld \u4f60\u597d \U0001F600  "}],
    [{"role": "user", "content": "literal {{ braces }} and {% raw %} stay text"},
     {"role": "assistant", "content": ""}],
    [{"role": "system", "content": "first"}, {"role": "user", "content": "u"},
     {"role": "system", "content": "second system turn"}],
]


def raise_exception(message):
    raise TemplateError(message)


def main():
    # transformers: ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True), raise_exception
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    cases = []
    for name, (path, specials) in TEMPLATES.items():
        with open(path, encoding="utf-8") as f:
            template = env.from_string(f.read())
        for chat in CHATS:
            for gen in (True, False):
                out = template.render(messages=chat, add_generation_prompt=gen, **specials)
                cases.append({"template": name, "special_tokens": specials, "messages": chat,
                              "add_generation_prompt": gen, "expected": out})
    with open(os.path.join(CHAT, "expected_renders.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(len(cases), "renders written")


if __name__ == "__main__":
    main()
