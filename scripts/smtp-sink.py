#!/usr/bin/python3
"""smtp-sink.py — a real SMTP server on loopback that keeps every message.

Development and tests point portald's [mail] smtp_url at it.  Each accepted
message becomes one file MAILDIR/<unix-ns>-<n>.eml, written under a temporary
name and renamed, so a reader never sees half a message.  Two headers are
prepended with the envelope: X-Sink-Mail-From and X-Sink-Rcpt-To.

Runs with Debian's python3-aiosmtpd (/usr/bin/python3: a pyenv or venv
python on PATH may not have it).  Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import itertools
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    """aiosmtpd handler: writes each message to the mail directory."""

    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        name = "%d-%06d.eml" % (time.time_ns(), n)
        head = "X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        tmp = os.path.join(self.maildir, ".tmp-" + name)
        with open(tmp, "wb") as f:
            f.write(head.encode("ascii", "replace"))
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, name))
        print("received %s from %s to %s (%d bytes)" % (
            name, envelope.mail_from, envelope.rcpt_tos, len(data)), flush=True)
        return "250 OK queued as " + name


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--pidfile")
    args = ap.parse_args()

    os.makedirs(args.maildir, exist_ok=True)
    controller = Controller(Sink(args.maildir), hostname=args.host, port=args.port,
                            enable_SMTPUTF8=True, decode_data=False)
    controller.start()
    # The pid file appears only once the port accepts connections: the
    # starter waits for it.
    if args.pidfile:
        tmp = args.pidfile + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(tmp, args.pidfile)
    print("smtp-sink listening on %s:%d, writing to %s" % (
        args.host, args.port, args.maildir), flush=True)

    stop = asyncio.new_event_loop()
    done = asyncio.Event()

    def on_signal():
        done.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        stop.add_signal_handler(sig, on_signal)
    try:
        stop.run_until_complete(done.wait())
    finally:
        controller.stop()
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except FileNotFoundError:
                pass
    print("smtp-sink stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
