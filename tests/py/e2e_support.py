"""What the Python e2e clients share: a labelled failure that ends the process, checks, an
overall watchdog for hung runs, and the entry point that turns any exception into a failure."""

import os
import sys
import threading
import traceback


class Reporter:
    """Failures and checks for one client, every message prefixed with its `label`."""

    def __init__(self, label):
        self.label = label

    def fail(self, msg):
        print(f"FAIL {self.label}: {msg}", file=sys.stderr, flush=True)
        os._exit(1)

    def expect(self, cond, msg):
        if not cond:
            self.fail(msg)

    def watchdog(self, seconds):
        """Fails the run after `seconds` unless the returned timer is cancelled first."""
        timer = threading.Timer(seconds, self.fail, [f"overall timeout after {seconds} s"])
        timer.daemon = True
        timer.start()
        return timer

    def run(self, main):
        """Runs `main` and exits with its code; an exception is a failure with its message."""
        try:
            code = main()
        except Exception as e:
            traceback.print_exc()
            self.fail(f"{type(e).__name__}: {e}")
        sys.stdout.flush()
        os._exit(code)
