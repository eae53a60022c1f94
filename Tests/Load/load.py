#!/usr/bin/env python3
"""Load and faults benchmark for `upstream serve` (a benchmark, not a test; Docs/Performance.md).

Drives simulated patients through the web questionnaire against a running server: each
patient starts a session (POST /s), then reads each question page and posts an answer
(a random option, options or number within the form's bounds), with the CSRF token the
form carries, until the handout comes back; then starts again. Standard library only
(threads and http.client), one keep-alive connection per patient.

Phase 1 (load): PATIENTS patients for SECONDS seconds: requests/s, p50/p99 latency, errors.
With --think T each patient takes a random 0 to 2T seconds per question (0: no pause).
Phase 2 (faults, unless --no-faults): for FAULT_SECONDS seconds, SLOW slowloris clients
(a header byte every second, never finishing) and HALF half-closed connections (half a
request, then shutdown(SHUT_WR)) are held open while a quarter of the patients go on;
oversize (413) and malformed (400) requests are sent; then the server must still answer.

Usage:
  swift build -c release && .build/release/upstream serve --port 8080 --max-connections 512 --sessions /tmp/s &
  python3 Tests/Load/load.py --url http://127.0.0.1:8080 --patients 200 --seconds 60

Exit status 1 when a normal request failed (an error, or an unexpected status).
"""

import argparse
import http.client
import random
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse
from html.parser import HTMLParser


class AnswerForm(HTMLParser):
    """The page's answer form: its action, hidden fields and the answer inputs."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.hidden = {}
        self.choices = []  # (type, value) of radio and checkbox inputs named "answer"
        self.number = None  # (low, high, whole) from the label of a number input named "answer"
        self._in_answer_form = False
        self._in_label = False
        self._label = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            action = attributes.get("action", "")
            self._in_answer_form = action.endswith("/answer")
            if self._in_answer_form:
                self.action = action
        elif tag == "input" and self._in_answer_form:
            kind = attributes.get("type", "text")
            if kind == "hidden":
                self.hidden[attributes.get("name")] = attributes.get("value", "")
            elif attributes.get("name") == "answer" and kind in ("radio", "checkbox"):
                self.choices.append((kind, attributes.get("value", "")))
            elif attributes.get("name") == "answer" and kind in ("number", "text"):
                # "Your answer: a whole number from 0 to 10 hours": the bounds are in the label.
                bounds = re.search(r"from (-?[\d.]+) to (-?[\d.]+)", self._label)
                low, high = (float(bounds.group(1)), float(bounds.group(2))) if bounds else (0.0, 0.0)
                self.number = (low, high, "whole number" in self._label)
        elif tag == "label" and self._in_answer_form and attributes.get("for") == "answer":
            self._in_label = True

    def handle_data(self, data):
        if self._in_label:
            self._label += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_answer_form = False
        elif tag == "label":
            self._in_label = False

    def answer(self, rng):
        """The urlencoded body of a random answer."""
        fields = list(self.hidden.items())
        radios = [value for kind, value in self.choices if kind == "radio" and value != "not sure"]
        boxes = [value for kind, value in self.choices if kind == "checkbox"]
        if radios:
            fields.append(("answer", rng.choice(radios)))
        elif boxes:
            for value in rng.sample(boxes, rng.randint(1, min(2, len(boxes)))):
                fields.append(("answer", value))
        elif self.number:
            low, high, whole = self.number
            value = rng.uniform(low, high)
            fields.append(("answer", str(max(int(low), min(int(high), round(value)))) if whole else f"{min(high, max(low, round(value, 1))):.1f}"))
        else:
            fields.append(("answer", "not sure"))
        return urllib.parse.urlencode(fields)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.errors = []
        self.completed = 0

    def record(self, seconds):
        with self.lock:
            self.latencies.append(seconds)

    def error(self, text):
        with self.lock:
            self.errors.append(text)

    def summary(self, elapsed):
        with self.lock:
            latencies = sorted(self.latencies)
        if not latencies:
            return "no requests"
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        return (
            f"{len(latencies)} requests in {elapsed:.1f} s: {len(latencies) / elapsed:.0f} requests/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms, "
            f"{self.completed} questionnaires completed, {len(self.errors)} errors"
        )


class Patient(threading.Thread):
    def __init__(self, host, port, until, stats, seed, think=0.0):
        super().__init__(daemon=True)
        self.host, self.port, self.until, self.stats, self.think = host, port, until, stats, think
        self.rng = random.Random(seed)
        self.connection = None

    def request(self, method, path, body=None, expect=(200,)):
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                # A keep-alive connection the server closed while idle: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    self.stats.error(f"{method} {path}: {error!r}")
                    return None
                continue
            except Exception as error:
                self.connection.close()
                self.connection = None
                self.stats.error(f"{method} {path}: {error!r}")
                return None
            self.stats.record(time.perf_counter() - started)
            if response.status not in expect:
                self.stats.error(f"{method} {path}: {response.status}")
                return None
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response, data
        return None

    def run(self):
        while time.monotonic() < self.until:
            started = self.request("POST", "/s", body="", expect=(303,))
            if started is None:
                continue
            link = started[0].getheader("Location")
            for _ in range(200):
                if time.monotonic() >= self.until:
                    return
                page = self.request("GET", link)
                if page is None:
                    break
                form = AnswerForm()
                form.feed(page[1].decode("utf-8", "replace"))
                if form.action is None:
                    with self.stats.lock:
                        self.stats.completed += 1
                    break
                if self.think:
                    time.sleep(self.rng.uniform(0, 2 * self.think))  # reading and answering the question
                if self.request("POST", form.action, body=form.answer(self.rng), expect=(303,)) is None:
                    break


def run_patients(host, port, count, seconds, seed, think=0.0):
    stats = Stats()
    until = time.monotonic() + seconds
    patients = [Patient(host, port, until, stats, seed + index, think) for index in range(count)]
    started = time.monotonic()
    for patient in patients:
        patient.start()
    for patient in patients:
        patient.join()
    return stats, time.monotonic() - started


def slow_client(host, port, until, holding):
    """Slowloris: a request line, then one header byte a second, never finishing."""
    try:
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        holding.append(sock)
        while time.monotonic() < until:
            try:
                sock.sendall(b"X")
            except OSError:
                return  # the server gave up on us (408 and close): as it should
            time.sleep(1)
    except OSError:
        pass


def half_closed(host, port, holding):
    """Half a request, then the write side shut: the server must not wait forever."""
    try:
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"POST /assess HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"")
        sock.shutdown(socket.SHUT_WR)
        holding.append(sock)
    except OSError:
        pass


def raw(host, port, data):
    """Sends bytes, returns the status code of the response (or 0)."""
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(data)
            answer = sock.recv(64)
            return int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    except OSError:
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--think", type=float, default=0, help="mean seconds a patient takes per question (0: none)")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--fault-seconds", type=float, default=15)
    parser.add_argument("--slow", type=int, default=50, help="slowloris clients in the faults phase")
    parser.add_argument("--half", type=int, default=50, help="half-closed connections in the faults phase")
    arguments = parser.parse_args()
    url = urllib.parse.urlsplit(arguments.url)
    host, port = url.hostname, url.port or 80
    failed = False

    print(f"load: {arguments.patients} patients (think {arguments.think:g} s) for {arguments.seconds:.0f} s against {arguments.url}")
    stats, elapsed = run_patients(host, port, arguments.patients, arguments.seconds, arguments.seed, arguments.think)
    print("  " + stats.summary(elapsed))
    for error in stats.errors[:10]:
        print("  error: " + error)
    failed |= bool(stats.errors)

    if not arguments.no_faults:
        patients = max(1, arguments.patients // 4)
        print(
            f"faults: {arguments.slow} slowloris clients and {arguments.half} half-closed connections held open, "
            f"with {patients} patients, for {arguments.fault_seconds:.0f} s"
        )
        until = time.monotonic() + arguments.fault_seconds
        holding = []
        attackers = [threading.Thread(target=slow_client, args=(host, port, until, holding), daemon=True) for _ in range(arguments.slow)]
        for attacker in attackers:
            attacker.start()
        for _ in range(arguments.half):
            half_closed(host, port, holding)
        stats, elapsed = run_patients(host, port, patients, arguments.fault_seconds, arguments.seed + 10_000)
        print("  patients meanwhile: " + stats.summary(elapsed))
        for error in stats.errors[:10]:
            print("  error: " + error)
        failed |= bool(stats.errors)
        oversize = raw(host, port, b"POST /assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
        malformed = raw(host, port, b"GET / HTTP/1.1\r\nHost x\r\n\r\n")
        header = raw(host, port, b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 40_000 + b"\r\n\r\n")
        alive = raw(host, port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        print(f"  oversize body {oversize}, malformed header {malformed}, oversize header {header}; afterwards GET / {alive}")
        failed |= not (400 <= oversize < 500 and 400 <= malformed < 500 and 400 <= header < 500 and alive == 200)
        for attacker in attackers:
            attacker.join()
        for sock in holding:
            sock.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
