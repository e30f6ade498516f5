#!/usr/bin/env bash
# Connects EventBridge to one JobQueue's event queues, with the AWS CLI:
#   <queue>-interruptions   spot interruption warnings, rebalance recommendations, instance state changes
#                           (stopping, stopped, shutting-down, terminated), EC2 scheduled changes (AWS Health)
#   <queue>-command-events  SSM "EC2 Command Invocation Status-change Notification" events
# Usage: config/eventbridge/apply.sh QUEUE_NAME
#   QUEUE_NAME is the JobQueue's SQS queue name: the last part of `kubectl get jobqueue NAME -o
#   jsonpath='{.status.queueUrl}'`, by default <JobQueue name>-job-queue.
# Creates both queues if the operator has not yet (it would create them the same way), gives each a
# policy that lets only these rules send to it, and creates or updates one rule per file in patterns/.
# Safe to run again. Credentials and region come from the usual AWS CLI settings; AWS_ENDPOINT_URL, when
# set, points it elsewhere (LocalStack, moto).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
queue=${1:-}
if [ -z "$queue" ] || [ $# -ne 1 ]; then
  echo "usage: $0 QUEUE_NAME   (the JobQueue's SQS queue name, e.g. nightly-job-queue)" >&2
  exit 2
fi
if ! [[ "$queue" =~ ^[A-Za-z0-9_-]{1,41}$ ]]; then
  echo "$0: '$queue' is not usable: give the SQS queue name (letters, digits, - and _), at most 41 characters so that rule names (shoal-<queue>-<event>) stay within EventBridge's 64" >&2
  exit 2
fi
command -v aws >/dev/null || { echo "$0: the AWS CLI (aws) is not on PATH" >&2; exit 2; }

cli() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"
  else
    aws "$@"
  fi
}

# The queue's ARN, after making sure it exists and lets this queue's rules send to it.
prepare_queue() {
  local name=$1 url arn partition region account policy
  url=$(cli sqs create-queue --queue-name "$name" --query QueueUrl --output text)
  arn=$(cli sqs get-queue-attributes --queue-url "$url" --attribute-names QueueArn --query Attributes.QueueArn --output text)
  IFS=: read -r _ partition _ region account _ <<<"$arn"
  policy=$(sed -e "s|QUEUE_ARN|$arn|" -e "s|PARTITION|$partition|" -e "s|REGION|$region|" \
    -e "s|ACCOUNT_ID|$account|" -e "s|QUEUE_NAME|$queue|" "$here/queue-policy.template.json" | tr -d '\n' | sed 's/"/\\"/g')
  local attributes
  attributes=$(mktemp)
  printf '{"Policy":"%s"}' "$policy" >"$attributes"
  cli sqs set-queue-attributes --queue-url "$url" --attributes "file://$attributes"
  rm -f "$attributes"
  echo "$arn"
}

interruptions_arn=$(prepare_queue "$queue-interruptions")
command_events_arn=$(prepare_queue "$queue-command-events")

for pattern in "$here"/patterns/*.json; do
  event=$(basename "$pattern" .json)
  rule="shoal-$queue-$event"
  case "$event" in
    command-status) target=$command_events_arn ;;
    *) target=$interruptions_arn ;;
  esac
  cli events put-rule --name "$rule" --event-pattern "file://$pattern" --state ENABLED \
    --description "Shoal: $event events for $queue" --output text >/dev/null
  failed=$(cli events put-targets --rule "$rule" --targets "Id=shoal,Arn=$target" --query FailedEntryCount --output text)
  if [ "$failed" != "0" ]; then
    echo "$0: EventBridge refused the target $target for rule $rule; check that you may call events:PutTargets" >&2
    exit 1
  fi
  echo "rule $rule -> ${target##*:}"
done
