"""The design bench/timer_memory.py compares ours with: one Celery ETA task per timer.

A worker takes ETA tasks off the broker as they arrive and keeps them in its own memory
until they are due (prefetch limits do not apply to them), so its memory grows with the
number of pending timers, and a worker restart hands them all back to the broker.
"""

import os

from celery import Celery

naive = Celery("naive_eta", broker=os.environ.get("NAIVE_BROKER_URL", "redis://127.0.0.1:6379/11"))
naive.conf.task_ignore_result = True


@naive.task(name="bench.naive_eta.wake")
def wake(enrollment_id: int) -> int:
    return enrollment_id
