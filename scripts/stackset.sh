#!/usr/bin/env bash
# Rolls the macro out to many accounts and regions with a service-managed CloudFormation StackSet.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'TXT'
Usage: scripts/stackset.sh --bucket-prefix PREFIX --regions A,B --ous OU[,OU...] [options]

Packages dist/macro.zip (run 'npm run build' first) into one bucket per region, PREFIX-<region>,
creates the service-managed StackSet (or updates it when it exists) and deploys it to the
organisational units (optionally only some of their accounts) in the given regions, with automatic
deployment to accounts that join those units later. Waits for the operation and prints its outcome.

Each bucket PREFIX-<region> must exist in its region and let the target accounts read the zip, e.g. a
bucket policy allowing s3:GetObject on arn:aws:s3:::PREFIX-<region>/* to principals with
aws:PrincipalOrgID = your organization id.

Options:
  --bucket-prefix PREFIX   buckets PREFIX-<region>, one per region
  --key-prefix PREFIX      folder for the zip inside the buckets
  --regions A,B            regions to deploy to
  --ous OU[,OU...]         organisational unit ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)
  --accounts ID[,ID...]    only these accounts of the units (optional)
  --stack-set-name NAME    StackSet name (default: datadog-serverless-macro)
  --parameter KEY=VALUE    a parameter of template.yml, e.g. DefaultSite=datadoghq.eu (repeatable)
  --delegated-admin        call as a delegated administrator rather than the management account
  --dry-run                print the AWS calls instead of making them
  --help                   show this help
TXT
}

BUCKET_PREFIX="" KEY_PREFIX="" REGIONS="" OUS="" ACCOUNTS="" NAME="datadog-serverless-macro" CALL_AS=()
PARAMETERS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --dry-run) DRY_RUN=1 ;;
    --bucket-prefix) BUCKET_PREFIX="${2:?--bucket-prefix needs a prefix}"; shift ;;
    --key-prefix) KEY_PREFIX="${2:?--key-prefix needs a prefix}"; shift ;;
    --regions) REGIONS="${2:?--regions needs regions}"; shift ;;
    --ous) OUS="${2:?--ous needs unit ids}"; shift ;;
    --accounts) ACCOUNTS="${2:?--accounts needs account ids}"; shift ;;
    --stack-set-name) NAME="${2:?--stack-set-name needs a name}"; shift ;;
    --delegated-admin) CALL_AS=(--call-as DELEGATED_ADMIN) ;;
    --parameter) add_parameter "${2:-}"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ -n $BUCKET_PREFIX ]] || die "--bucket-prefix is required (see --help)"
[[ -n $REGIONS ]] || die "--regions is required (see --help)"
[[ -n $OUS ]] || die "--ous is required (see --help)"
split_commas "$REGIONS"
REGION_LIST=("${SPLIT[@]}")
for region in "${REGION_LIST[@]}"; do valid_region "$region"; done
split_commas "$OUS"
for ou in "${SPLIT[@]}"; do [[ "$ou" =~ ^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$ ]] || die "'$ou' is not an organisational unit or root id"; done
if [[ -n $ACCOUNTS ]]; then
  split_commas "$ACCOUNTS"
  for account in "${SPLIT[@]}"; do [[ "$account" =~ ^[0-9]{12}$ ]] || die "'$account' is not an account id"; done
fi
need_build
need_aws

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dry=()
[[ $DRY_RUN == 1 ]] && dry=(--dry-run)
"$ROOT/scripts/package.sh" "$BUCKET_PREFIX" "$KEY_PREFIX" --regional "$REGIONS" --output "$WORK/packaged.yml" "${dry[@]}"

params=()
[[ ${#PARAMETERS[@]} -gt 0 ]] && params=(--parameters "${PARAMETERS[@]}")
template=(--template-body "file://$WORK/packaged.yml" --capabilities CAPABILITY_AUTO_EXPAND CAPABILITY_IAM "${params[@]}" "${CALL_AS[@]}")
targets="OrganizationalUnitIds=$OUS"
[[ -n $ACCOUNTS ]] && targets="$targets,Accounts=$ACCOUNTS,AccountFilterType=INTERSECTION"
preferences="RegionConcurrencyType=PARALLEL,FailureToleranceCount=0,MaxConcurrentPercentage=25"

if [[ $DRY_RUN == 1 ]]; then
  aws_call cloudformation describe-stack-set --stack-set-name "$NAME" "${CALL_AS[@]}"
  aws_call cloudformation create-stack-set --stack-set-name "$NAME" --permission-model SERVICE_MANAGED \
    --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false "${template[@]}"
  echo "  (update-stack-set --stack-set-name $NAME with the same template instead when it exists)"
  aws_call cloudformation create-stack-instances --stack-set-name "$NAME" --deployment-targets "$targets" \
    --regions "${REGION_LIST[@]}" --operation-preferences "$preferences" "${CALL_AS[@]}"
  echo "  (then: aws cloudformation describe-stack-set-operation until SUCCEEDED)"
  exit 0
fi

wait_for() {
  local operation="$1" status
  for _ in $(seq 1 360); do
    status="$("$AWS" cloudformation describe-stack-set-operation --stack-set-name "$NAME" --operation-id "$operation" "${CALL_AS[@]}" --query StackSetOperation.Status --output text)"
    case "$status" in
      SUCCEEDED) return 0 ;;
      FAILED | STOPPED) echo "StackSet operation $operation $status; see: aws cloudformation list-stack-set-operation-results --stack-set-name $NAME --operation-id $operation" >&2; return 1 ;;
    esac
    sleep 5
  done
  echo "StackSet operation $operation still running after 30 minutes" >&2
  return 1
}

if "$AWS" cloudformation describe-stack-set --stack-set-name "$NAME" "${CALL_AS[@]}" >/dev/null 2>&1; then
  operation="$("$AWS" cloudformation update-stack-set --stack-set-name "$NAME" "${template[@]}" --operation-preferences "$preferences" --query OperationId --output text)"
  wait_for "$operation"
  echo "StackSet $NAME updated to macro v$(macro_version)"
else
  "$AWS" cloudformation create-stack-set --stack-set-name "$NAME" --permission-model SERVICE_MANAGED \
    --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false "${template[@]}" >/dev/null
  echo "StackSet $NAME created (macro v$(macro_version))"
fi
operation="$("$AWS" cloudformation create-stack-instances --stack-set-name "$NAME" --deployment-targets "$targets" \
  --regions "${REGION_LIST[@]}" --operation-preferences "$preferences" "${CALL_AS[@]}" --query OperationId --output text)"
wait_for "$operation"
echo "StackSet $NAME deployed to $OUS${ACCOUNTS:+ (accounts $ACCOUNTS)} in ${REGION_LIST[*]}"
