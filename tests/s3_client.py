#!/usr/bin/python3
"""A raw S3 request, signed with the SigV4 of the botocore that Debian's awscli carries,
for the end-to-end tests that need requests no high-level client sends:
malformed bodies, odd headers, presigned PUTs, tampered signatures.

  s3_client.py request METHOD PATH [-H name:value]... [--body FILE|--data TEXT]
                       [--unsigned] [--tamper]
      prints "<status>" on the first line, then the response headers as
      "name: value" lines, a blank line, and the body.
  s3_client.py presign METHOD PATH EXPIRES
      prints a presigned URL.

The endpoint and keys come from ENDPOINT, ACCESS_KEY and SECRET_KEY.
"""
import argparse
import http.client
import os
import sys
import urllib.parse

# Debian's awscli carries its own botocore inside the awscli package.
sys.path.insert(0, "/usr/lib/python3/dist-packages/awscli")
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

REGION = "us-east-1"


def credentials():
    return Credentials(os.environ["ACCESS_KEY"], os.environ["SECRET_KEY"])


def request(args):
    endpoint = os.environ["ENDPOINT"]
    body = b""
    if args.body:
        with open(args.body, "rb") as f:
            body = f.read()
    elif args.data is not None:
        body = args.data.encode()
    headers = {}
    for h in args.header:
        name, _, value = h.partition(":")
        headers[name.strip()] = value.strip()
    url = endpoint + args.path
    aws = AWSRequest(method=args.method, url=url, data=body, headers=headers)
    if not args.unsigned:
        S3SigV4Auth(credentials(), "s3", REGION).add_auth(aws)
    prepared = aws.prepare()
    send_headers = dict(prepared.headers)
    if args.tamper and "Authorization" in send_headers:
        auth = send_headers["Authorization"]
        last = auth[-1]
        send_headers["Authorization"] = auth[:-1] + ("0" if last != "0" else "1")
    parsed = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    target = urllib.parse.urlsplit(prepared.url)
    path = target.path + ("?" + target.query if target.query else "")
    conn.request(args.method, path, body=body or None, headers=send_headers)
    response = conn.getresponse()
    data = response.read()
    sys.stdout.write(f"{response.status}\n")
    for name, value in response.getheaders():
        sys.stdout.write(f"{name.lower()}: {value}\n")
    sys.stdout.write("\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)


def presign(args):
    endpoint = os.environ["ENDPOINT"]
    aws = AWSRequest(method=args.method, url=endpoint + args.path)
    S3SigV4QueryAuth(credentials(), "s3", REGION, expires=int(args.expires)).add_auth(aws)
    print(aws.url)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("request")
    r.add_argument("method")
    r.add_argument("path")
    r.add_argument("-H", "--header", action="append", default=[])
    r.add_argument("--body")
    r.add_argument("--data")
    r.add_argument("--unsigned", action="store_true")
    r.add_argument("--tamper", action="store_true")
    p = sub.add_parser("presign")
    p.add_argument("method")
    p.add_argument("path")
    p.add_argument("expires")
    args = parser.parse_args()
    if args.command == "request":
        request(args)
    else:
        presign(args)


if __name__ == "__main__":
    main()
