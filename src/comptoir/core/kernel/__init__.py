"""The kernel's shared building blocks: errors, money, services, lists, API plumbing."""
