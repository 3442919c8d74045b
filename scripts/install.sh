#!/usr/bin/env bash
# Installs or updates the macro stack in one or more regions (side by side), waiting for each to finish.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'TXT'
Usage: scripts/install.sh [--bucket BUCKET | --bucket-prefix PREFIX] [options]

Packages dist/macro.zip (run 'npm run build' first) and creates the macro stack, or updates it when it
exists, in each region (up to 8 regions at once); waits for completion and prints each region's outcome,
in the order given.

Without --bucket or --bucket-prefix, the zip goes to this account's artifact bucket in each region,
datadog-serverless-macro-artifacts-<account id>-<region>, created when missing (private: all public access
blocked, ACLs disabled; encrypted with SSE-S3; versioned) and reused afterwards.

Options:
  --bucket BUCKET          S3 bucket for the zip, in the (single) region installed
  --bucket-prefix PREFIX   one bucket per region, named PREFIX-<region> (needed with several regions:
                           Lambda reads code only from a bucket in its own region)
  --key-prefix PREFIX      folder for the zip inside the bucket(s)
  --regions A,B,C          regions to install in (default: the aws CLI's region)
  --stack-name NAME        stack name (default: datadog-serverless-macro)
  --parameter KEY=VALUE    a parameter of template.yml, e.g. DefaultSite=datadoghq.eu (repeatable)
  --dry-run                print the AWS calls instead of making them
  --help                   show this help
TXT
}

BUCKET="" BUCKET_PREFIX="" KEY_PREFIX="" REGIONS="" STACK="datadog-serverless-macro"
PARAMETERS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --dry-run) DRY_RUN=1 ;;
    --bucket) BUCKET="${2:?--bucket needs a name}"; shift ;;
    --bucket-prefix) BUCKET_PREFIX="${2:?--bucket-prefix needs a prefix}"; shift ;;
    --key-prefix) KEY_PREFIX="${2:?--key-prefix needs a prefix}"; shift ;;
    --regions | --region) REGIONS="${2:?$1 needs regions}"; shift ;;
    --stack-name) STACK="${2:?--stack-name needs a name}"; shift ;;
    --parameter) add_parameter "${2:-}"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ -z $BUCKET || -z $BUCKET_PREFIX ]] || die "give --bucket or --bucket-prefix, not both"
[[ "$STACK" =~ ^[A-Za-z][A-Za-z0-9-]{0,127}$ ]] || die "'$STACK' is not a stack name"
need_build
need_aws
if [[ -z $REGIONS ]]; then
  REGIONS="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  [[ -n $REGIONS || $DRY_RUN == 1 ]] || REGIONS="$("$AWS" configure get region || true)"
  [[ -n $REGIONS ]] || die "no region: give --regions or configure the aws CLI's region"
fi
split_commas "$REGIONS"
# Each region once, in the order given (two installs of one region side by side would collide).
REGION_LIST=()
for region in "${SPLIT[@]}"; do [[ " ${REGION_LIST[*]} " == *" $region "* ]] || REGION_LIST+=("$region"); done
for region in "${REGION_LIST[@]}"; do valid_region "$region"; done
[[ -z $BUCKET || ${#REGION_LIST[@]} -eq 1 ]] || die "--bucket serves one region; with several use --bucket-prefix (buckets PREFIX-<region>)"

ACCOUNT="" # set when install.sh manages the buckets
if [[ -z $BUCKET && -z $BUCKET_PREFIX ]]; then caller_account "${REGION_LIST[0]}"; fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# One region: its bucket (made when install.sh manages them), the package, the stack. Prints
# "<region>: ..." lines; returns non-zero when the region failed.
install_region() {
  local region="$1" bucket template output reason action
  local dry=() params=() common=()
  if [[ -n $ACCOUNT ]]; then
    bucket="$(managed_bucket "$ACCOUNT" "$region")" || return 2
    ensure_bucket "$bucket" "$region" "$ACCOUNT" || return 1
  else
    bucket="${BUCKET:-$BUCKET_PREFIX-$region}"
  fi
  template="$WORK/packaged-$region.yml"
  [[ $DRY_RUN == 1 ]] && dry=(--dry-run)
  "$ROOT/scripts/package.sh" "$bucket" "$KEY_PREFIX" --region "$region" --output "$template" "${dry[@]}" || return 1
  [[ ${#PARAMETERS[@]} -gt 0 ]] && params=(--parameters "${PARAMETERS[@]}")
  common=(--stack-name "$STACK" --template-body "file://$template" --capabilities CAPABILITY_AUTO_EXPAND CAPABILITY_IAM --region "$region" "${params[@]}")

  if [[ $DRY_RUN == 1 ]]; then
    aws_call cloudformation describe-stacks --stack-name "$STACK" --region "$region"
    aws_call cloudformation create-stack "${common[@]}"
    echo "  (update-stack with the same arguments instead when the stack exists; then: aws cloudformation wait stack-create-complete|stack-update-complete)"
    return 0
  fi

  if "$AWS" cloudformation describe-stacks --stack-name "$STACK" --region "$region" >/dev/null 2>&1; then
    action=update
    if ! output="$("$AWS" cloudformation update-stack "${common[@]}" 2>&1)"; then
      if [[ $output == *"No updates are to be performed"* ]]; then
        echo "$region: $STACK is already up to date (macro v$(macro_version))"
        return 0
      fi
      echo "$region: update-stack failed: $output" >&2
      return 1
    fi
  else
    action=create
    if ! "$AWS" cloudformation create-stack "${common[@]}" >/dev/null; then
      echo "$region: create-stack failed (the aws CLI's message is above)" >&2
      return 1
    fi
  fi
  if "$AWS" cloudformation wait "stack-$action-complete" --stack-name "$STACK" --region "$region"; then
    echo "$region: $STACK ${action}d; macro v$(macro_version) is ready ($("$AWS" cloudformation describe-stacks --stack-name "$STACK" --region "$region" --query "Stacks[0].StackStatus" --output text))"
  else
    reason="$("$AWS" cloudformation describe-stack-events --stack-name "$STACK" --region "$region" --query "StackEvents[?contains(ResourceStatus, 'FAILED')].[LogicalResourceId,ResourceStatusReason]" --output text 2>/dev/null | head -5 || true)"
    echo "$region: $STACK $action failed; see the stack's events. ${reason}" >&2
    return 1
  fi
}

# Regions are independent and a stack takes minutes to create: they are installed side by side (at most
# PARALLEL_REGIONS at once), and each region's output is printed whole, in the order given. A dry run
# prints its calls in order, one region after the other.
PARALLEL_REGIONS=8
failed=0
if [[ $DRY_RUN == 1 || ${#REGION_LIST[@]} -eq 1 ]]; then
  # A background job waited for at once, rather than `install_region || ...`, which would turn `set -e`
  # off inside it: a failed step must stop its region.
  for region in "${REGION_LIST[@]}"; do
    install_region "$region" &
    wait "$!" || failed=1
  done
else
  pids=() statuses=()
  for i in "${!REGION_LIST[@]}"; do
    # Past the bound, wait for the region started PARALLEL_REGIONS before this one (its status kept).
    if ((i >= PARALLEL_REGIONS)); then
      j=$((i - PARALLEL_REGIONS))
      statuses[j]=0
      wait "${pids[j]}" || statuses[j]=1
    fi
    install_region "${REGION_LIST[$i]}" >"$WORK/$i.out" 2>"$WORK/$i.err" &
    pids+=("$!")
  done
  for i in "${!REGION_LIST[@]}"; do
    if [[ -z ${statuses[i]:-} ]]; then
      statuses[i]=0
      wait "${pids[i]}" || statuses[i]=1
    fi
    ((statuses[i] == 0)) || failed=1
    cat "$WORK/$i.out"
    cat "$WORK/$i.err" >&2
  done
fi
exit "$failed"
