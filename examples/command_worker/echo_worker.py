#!/usr/bin/env python3
"""A reference worker for the `command` provider of `sbench run`.

Protocol (JSON lines, UTF-8): the runner writes one request object per line on stdin,
    {"id": 7, "model": "m", "messages": [{"role": "user", "content": "hi"}],
     "max_tokens": 64, "parameters": {}}
and the worker writes exactly one reply object per line on stdout, in order, flushing
after each, carrying the request's "id":
    {"id": 7, "text": "...", "usage": {"prompt_tokens": 1, "completion_tokens": 4}}
or, when it cannot answer, {"id": 7, "error": "why"}. Anything else on stdout breaks the
protocol and the runner restarts the worker; diagnostics go to stderr. The worker exits
when stdin closes.

This one answers "<model> answers: <last user message>" and counts a token per 4 bytes.
For tests: ECHO_WORKER_DIE_AFTER=N exits after N requests, ECHO_WORKER_SLEEP_MS=M waits
M ms before each answer.
"""

import json
import math
import os
import sys
import time


def token_count(text):
    return math.ceil(len(text.encode("utf-8")) / 4)


def answer(request):
    messages = request["messages"]
    user_contents = [m["content"] for m in messages if m.get("role") == "user"]
    if not user_contents:
        raise ValueError("no user message")
    text = f"{request['model']} answers: {user_contents[-1]}"
    prompt = "".join(m["content"] for m in messages)
    return {
        "text": text,
        "usage": {"prompt_tokens": token_count(prompt), "completion_tokens": token_count(text)},
    }


def main():
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    die_after = int(os.environ.get("ECHO_WORKER_DIE_AFTER", "0"))
    sleep_seconds = int(os.environ.get("ECHO_WORKER_SLEEP_MS", "0")) / 1000
    answered = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request["id"]
            reply = {"id": request_id, **answer(request)}
        except (ValueError, KeyError, TypeError) as error:
            # Without a readable id the runner cannot match this reply and restarts us.
            reply = {"id": request_id, "error": f"bad request: {error!r}"}
        if sleep_seconds:
            time.sleep(sleep_seconds)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        answered += 1
        if answered == die_after:
            return


if __name__ == "__main__":
    main()
