"""The ZAP JSON-API test double (the only test double of the project): see server.py."""

from tests.zapdouble.server import Behaviour, ZapDouble, load_transcript

__all__ = ["Behaviour", "ZapDouble", "load_transcript"]
