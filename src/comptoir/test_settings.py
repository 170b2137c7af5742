"""Settings for the test suite: fast hashing, tasks run inline, mail kept in memory."""

import os
import tempfile

os.environ.setdefault("COMPTOIR_DATA_DIR", tempfile.mkdtemp(prefix="comptoir-test-"))

from comptoir.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
COMPTOIR_API_RATE_LIMIT = 0
COMPTOIR_TOKEN_CACHE_SECONDS = 0
