"""One plug-in per suite kind behind the contract of :mod:`harness.runners.base`."""
