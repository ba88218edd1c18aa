"""A real public-key infrastructure on 127.0.0.1 for the signing tests, made and run by OpenSSL.

- CRLs: ``openssl ca -gencrl`` issues them for the DEMO CA (its key from ``harness keys demo``) and for
  the time-stamping authority's own CA; ``openssl ca -revoke`` revokes a certificate.
- Time-stamps: ``openssl ts -reply`` answers each RFC 3161 request, with a TSA certificate OpenSSL made.
- One small HTTP server serves the CRLs (GET, at the URLs the certificates name) and the time-stamping
  endpoint (POST /tsa). ``stop()`` ends it: what verifies afterwards verifies offline.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.signing.keys import CA_FILE, CA_KEY_FILE, DEMO_PASSWORD

_CA_CONFIG = """\
[ ca ]
default_ca = demo
[ demo ]
dir = {dir}
database = {dir}/index.txt
crlnumber = {dir}/crlnumber
certificate = {certificate}
private_key = {key}
default_md = sha256
default_crl_days = 30
"""

_TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/tsaserial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
certs = {dir}/tsa-ca.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str, cwd: Path) -> str:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed: {done.stderr}")
    return done.stdout


class CertificateAuthority:
    """An OpenSSL ``ca`` database around an existing CA certificate and key: issues CRLs, revokes."""

    def __init__(self, directory: Path, certificate: Path, key: Path, password: str | None, crl: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "index.txt").write_text("")
        (directory / "crlnumber").write_text("1000\n")
        self.config = directory / "ca.cnf"
        self.config.write_text(_CA_CONFIG.format(dir=directory, certificate=certificate, key=key))
        self.password = ["-passin", f"pass:{password}"] if password else []
        self.crl = crl
        self.gencrl()

    def gencrl(self) -> None:
        """Issue a new CRL (DER) where the certificates say it is."""
        pem = self.directory / "latest.crl.pem"
        openssl("ca", "-gencrl", "-config", str(self.config), *self.password, "-out", str(pem), cwd=self.directory)
        openssl("crl", "-in", str(pem), "-outform", "DER", "-out", str(self.crl), cwd=self.directory)

    def revoke(self, certificate_pem: Path) -> None:
        openssl("ca", "-config", str(self.config), *self.password, "-revoke", str(certificate_pem), cwd=self.directory)
        self.gencrl()


class PkiServer:
    """Serves ``www/`` over GET and RFC 3161 time-stamps over POST /tsa, on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.www = root / "www"
        self.www.mkdir(parents=True, exist_ok=True)
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(f"GET {self.path}")
                path = server.www / self.path.lstrip("/")
                if not path.is_file():
                    self.send_error(404)
                    return
                self._answer(path.read_bytes(), "application/pkix-crl")

            def do_POST(self) -> None:
                server.requests.append(f"POST {self.path}")
                query = self.rfile.read(int(self.headers["Content-Length"]))
                self._answer(server.timestamp(query), "application/timestamp-reply")

            def _answer(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def timestamp(self, query: bytes) -> bytes:
        """``openssl ts -reply`` for one request (one at a time: it updates its serial file)."""
        with self._lock, tempfile.TemporaryDirectory(dir=self.root) as scratch:
            request, reply = Path(scratch) / "request.tsq", Path(scratch) / "reply.tsr"
            request.write_bytes(query)
            openssl("ts", "-reply", "-config", str(self.root / "tsa" / "tsa.cnf"), "-queryfile", str(request),
                    "-out", str(reply), cwd=self.root)  # fmt: skip
            return reply.read_bytes()

    def stop(self) -> None:
        """Stop answering (idempotent): nothing listens on the port afterwards."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def make_tsa(root: Path, url: str) -> tuple[Path, CertificateAuthority]:
    """An OpenSSL-made TSA root and time-stamping certificate (its CRL at ``url``/tsa-ca.crl); returns the
    root certificate to trust and the root's CA database."""
    directory = root / "tsa"
    directory.mkdir(parents=True, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa-ca.key", "-out", "tsa-ca.pem",
            "-days", "3650", "-subj", "/C=CN/O=Test TSA/CN=Test TSA Root CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=directory)  # fmt: skip
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
            "-subj", "/C=CN/O=Test TSA/CN=Test Time-Stamping Authority", cwd=directory)  # fmt: skip
    (directory / "tsa-ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
        f"extendedKeyUsage=critical,timeStamping\ncrlDistributionPoints=URI:{url}/tsa-ca.crl\n"
    )
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "tsa-ca.pem", "-CAkey", "tsa-ca.key", "-CAcreateserial",
            "-out", "tsa.pem", "-days", "825", "-extfile", "tsa-ext.cnf", cwd=directory)  # fmt: skip
    (directory / "tsaserial").write_text("01\n")
    (directory / "tsa.cnf").write_text(_TSA_CONFIG.format(dir=directory))
    authority = CertificateAuthority(
        directory / "ca-db", directory / "tsa-ca.pem", directory / "tsa-ca.key", None, root / "www" / "tsa-ca.crl"
    )
    return directory / "tsa-ca.pem", authority


def demo_authority(root: Path, keys: Path) -> CertificateAuthority:
    """The DEMO CA that ``harness keys demo`` wrote into ``keys``, as an OpenSSL CA issuing ca.crl."""
    return CertificateAuthority(
        root / "demo-ca-db", keys / CA_FILE, keys / CA_KEY_FILE, DEMO_PASSWORD, root / "www" / "ca.crl"
    )


def certificate_of(p12: Path, out: Path) -> Path:
    """The certificate in a PKCS#12 file, as PEM (what ``openssl ca -revoke`` takes)."""
    openssl("pkcs12", "-in", str(p12), "-clcerts", "-nokeys", "-passin", f"pass:{DEMO_PASSWORD}", "-out", str(out),
            cwd=out.parent)  # fmt: skip
    return out
