"""The bundled demo target: a small permit-application service, started with ``target.start: demo``."""
