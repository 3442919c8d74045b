#!/usr/bin/env bash
# Uploads dist/macro.zip to S3 and writes the packaged macro stack template.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'TXT'
Usage: scripts/package.sh BUCKET [PREFIX] [options]

Uploads dist/macro.zip (run 'npm run build' first) to s3://BUCKET/PREFIX/datadog-serverless-macro/<version>/
and writes a template that installs the macro from there:

  aws cloudformation create-stack --stack-name datadog-serverless-macro --template-body file://packaged.yml \
    --capabilities CAPABILITY_AUTO_EXPAND CAPABILITY_IAM

Options:
  --output FILE       where to write the packaged template (default: packaged.yml)
  --region REGION     region of BUCKET (default: the aws CLI's)
  --regional REGIONS  BUCKET is a prefix: upload to BUCKET-<region> for each of REGIONS (comma-separated),
                      and read the zip from BUCKET-<region> at install time (StackSets, many regions)
  --dry-run           print the AWS calls instead of making them
  --help              show this help
TXT
}

BUCKET="" PREFIX="" OUTPUT="packaged.yml" REGION="" REGIONAL=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --dry-run) DRY_RUN=1 ;;
    --output) OUTPUT="${2:?--output needs a file}"; shift ;;
    --region) REGION="${2:?--region needs a region}"; shift ;;
    --regional) REGIONAL="${2:?--regional needs regions}"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) if [[ -z $BUCKET ]]; then BUCKET="$1"; elif [[ -z $PREFIX ]]; then PREFIX="$1"; else die "unexpected argument $1"; fi ;;
  esac
  shift
done
[[ -n $BUCKET ]] || die "BUCKET is required (see --help)"
checked="$BUCKET"
[[ $DRY_RUN == 1 ]] && checked="${BUCKET//<account-id>/000000000000}" # install.sh --dry-run's managed bucket
[[ "$checked" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || die "'$BUCKET' is not an S3 bucket name"
[[ -z $REGION ]] || valid_region "$REGION"
need_build
need_aws

KEY="$(artifact_key "$PREFIX")"
if [[ -n $REGIONAL ]]; then
  split_commas "$REGIONAL"
  for region in "${SPLIT[@]}"; do
    valid_region "$region"
    aws_call s3 cp "$ROOT/dist/macro.zip" "s3://$BUCKET-$region/$KEY" --region "$region" --only-show-errors
  done
  node "$ROOT/dist/cli.js" macro-stack --code-bucket "$BUCKET" --code-key "$KEY" --regional >"$OUTPUT"
else
  aws_call s3 cp "$ROOT/dist/macro.zip" "s3://$BUCKET/$KEY" ${REGION:+--region "$REGION"} --only-show-errors
  node "$ROOT/dist/cli.js" macro-stack --code-bucket "$BUCKET" --code-key "$KEY" >"$OUTPUT"
fi
echo "packaged macro v$(macro_version): s3://$BUCKET${REGIONAL:+-<region>}/$KEY; template written to $OUTPUT"
