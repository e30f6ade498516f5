#!/bin/bash
# An ingest job: this folder was copied to the worker; new and changed files are copied back.
tr 'a-z' 'A-Z' < input.txt > output.txt
wc -w < input.txt > words.txt
echo "rendered $(wc -l < output.txt) lines"
