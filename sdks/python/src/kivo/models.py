"""The shapes of Kivo's main responses, as the OpenAPI document gives them.

Responses are plain dicts (``run["status"]``), typed with these TypedDicts so
an editor or mypy knows the fields. A test checks every field name here
against the committed document.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

if sys.version_info >= (3, 11):
    from typing import Literal, NotRequired, TypedDict
else:  # pragma: no cover - Python 3.9/3.10
    from typing import Literal

    from typing_extensions import NotRequired, TypedDict

RunStatus = Literal["queued", "processing", "completed", "failed", "cancelled"]
IntendedUse = Literal["internal_draft", "customer_facing", "regulated_workflow", "action_taking", "eval_only"]
Strictness = Literal["advisory", "standard", "strict"]
SafeUseStatus = Literal["verified_for_use", "verified_with_limits", "needs_review", "needs_repair", "blocked"]
SupportStatus = Literal["supported", "partially_supported", "unsupported", "contradicted", "insufficient_context", "not_checked"]
ImportStatus = Literal["uploaded", "mapping_required", "queued", "processing", "completed", "failed", "cancelled"]
ClaimReportFormat = Literal["json", "markdown", "html"]


class SourceInput(TypedDict):
    title: str
    content: str
    uri: NotRequired[Optional[str]]
    citation_label: NotRequired[Optional[str]]
    media_type: NotRequired[str]


class ImportRow(TypedDict):
    ai_output: str
    sources: List[SourceInput]
    intended_use: NotRequired[IntendedUse]
    strictness: NotRequired[Strictness]
    question: NotRequired[Optional[str]]
    metadata: NotRequired[Optional[Dict[str, Any]]]
    external_id: NotRequired[Optional[str]]
    semantic_judge: NotRequired[Literal["auto", "off", "required"]]


class GateReason(TypedDict):
    code: str
    message: str
    claim_id: Optional[str]


class GateVerdict(TypedDict):
    id: str
    review_run_id: str
    verdict: str
    safe_use_status: SafeUseStatus
    reasons: List[GateReason]
    strictness: Strictness
    mode: Literal["advisory", "enforcing"]
    metadata: Dict[str, Any]
    created_at: str


class SourceSpan(TypedDict):
    """``start_offset``/``end_offset`` are UTF-16 code units into the source (see ``kivo.offsets``)."""

    id: str
    source_document_id: str
    quote: str
    start_offset: int
    end_offset: int
    metadata: Dict[str, Any]
    created_at: str


class SourceDocument(TypedDict):
    id: str
    title: str
    uri: Optional[str]
    citation_label: Optional[str]
    media_type: str
    content_sha256: str


class VerificationResult(TypedDict):
    id: str
    atomic_claim_id: str
    support_status: SupportStatus
    primary_source_span: Optional[SourceSpan]
    verifier_name: str
    verifier_version: str
    verifier_provider: str
    verifier_model: str
    confidence: float
    rationale: str
    metadata: Dict[str, Any]
    created_at: str


class Claim(TypedDict):
    """``output_start_offset``/``output_end_offset`` are UTF-16 code units into ``ai_output``: use ``kivo.utf16_slice``."""

    id: str
    claim_type: str
    text: str
    normalized_text: str
    output_start_offset: int
    output_end_offset: int
    importance: int
    support_status: SupportStatus
    primary_source_span: Optional[SourceSpan]
    verification_result: Optional[VerificationResult]
    extraction_provider: str
    extraction_model: str
    extraction_prompt_version: str
    extraction_confidence: float
    metadata: Dict[str, Any]
    created_at: str


class FollowUp(TypedDict):
    claim_id: Optional[str]
    question: str


class ClaimReport(TypedDict):
    id: str
    review_run_id: str
    safe_use_status: SafeUseStatus
    title: str
    summary: str
    unsupported_claims: List[Dict[str, Any]]
    citation_issues: List[Dict[str, Any]]
    evidence_notes: List[Dict[str, Any]]
    follow_ups: List[FollowUp]
    markdown: str
    compiler_version: str
    policy_version: str
    metadata: Dict[str, Any]
    created_at: str
    updated_at: str
    request_id: NotRequired[str]


class ReviewRunSummary(TypedDict):
    id: str
    project_id: str
    status: RunStatus
    intended_use: Optional[IntendedUse]
    strictness: Strictness
    source_count: int
    claim_count: int
    unsupported_claim_count: int
    safe_use_status: Optional[SafeUseStatus]
    gate_verdict: Optional[GateVerdict]
    created_at: str
    completed_at: Optional[str]
    capture_method: str
    question: Optional[str]
    metadata: Optional[Dict[str, Any]]
    external_id: Optional[str]
    import_id: Optional[str]
    error_code: Optional[str]
    error_message: Optional[str]


class ReviewRun(ReviewRunSummary):
    ai_output: Optional[str]
    sources: List[SourceDocument]
    source_spans: List[SourceSpan]
    verification_results: List[VerificationResult]
    claim_report: Optional[ClaimReport]
    private_worker: Optional[Dict[str, Any]]
    request_id: str


class QueuedDetails(TypedDict):
    review_run_id: str
    status: Literal["queued"]
    polling_url: str
    recommended_poll_interval_seconds: int


class QueuedReviewRun(TypedDict):
    """The 202 answer to a create: the run is queued; poll it, or use ``create_and_wait``."""

    review_run: ReviewRunSummary
    queued: QueuedDetails
    polling_url: str
    request_id: str


class ReviewRunList(TypedDict):
    items: List[ReviewRunSummary]
    next_cursor: Optional[str]
    has_more: bool
    request_id: str


class ClaimList(TypedDict):
    items: List[Claim]
    request_id: str


class VerificationResultList(TypedDict):
    items: List[VerificationResult]
    request_id: str


class ImportValidationError(TypedDict):
    row: int
    external_id: Optional[str]
    path: str
    code: str
    message: str


class Import(TypedDict):
    id: str
    project_id: str
    status: ImportStatus
    capture_method: Literal["upload"]
    media_type: str
    row_count: int
    accepted_count: int
    rejected_count: int
    validation_errors: List[ImportValidationError]
    created_at: str
    updated_at: str
    completed_at: Optional[str]
    error_code: Optional[str]
    error_message: Optional[str]
    # Set while the import is `mapping_required`: the columns found and what nothing maps to.
    mapping: Optional[Dict[str, Any]]
    review_run_ids: List[str]
    # Runs created, reviewed, failed, cancelled and pending, and counts by safe_use_status.
    review_progress: Dict[str, Any]
    request_id: str


WebhookEventType = Literal["review_run.completed", "review_run.failed", "review_run.cancelled", "import.completed", "import.failed"]


class WebhookEndpoint(TypedDict):
    id: str
    project_id: str
    url: str
    description: Optional[str]
    event_types: List[WebhookEventType]
    enabled: bool
    # Until then, deliveries also carry a signature with the previous secret.
    previous_secret_expires_at: Optional[str]
    created_at: str
    updated_at: str


class WebhookEndpointWithSecret(WebhookEndpoint):
    # The signing secret (whsec_…), shown only in this answer.
    secret: str
    request_id: str


class WebhookEndpointList(TypedDict):
    items: List[WebhookEndpoint]
    request_id: str


class WebhookDelivery(TypedDict):
    id: str
    endpoint_id: str
    event_id: str
    event_type: WebhookEventType
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    response_status: Optional[int]
    response_excerpt: Optional[str]
    error: Optional[str]
    last_attempt_at: Optional[str]
    created_at: str
    updated_at: str


class WebhookDeliveryList(TypedDict):
    items: List[WebhookDelivery]
    next_cursor: Optional[str]
    has_more: bool
    request_id: str


ImportResultStatus = Literal["queued", "processing", "completed", "failed", "cancelled", "rejected", "not_created"]


class ImportResultReason(TypedDict):
    code: str
    message: str


class ImportResultLine(TypedDict):
    """One row of ``GET /v1/imports/{importId}/results``."""

    row: int
    external_id: Optional[str]
    review_run_id: Optional[str]
    # The run's status, "rejected" (the row failed validation) or "not_created" (the import stopped first).
    status: ImportResultStatus
    safe_use_status: Optional[SafeUseStatus]
    verdict: Optional[str]
    claim_count: Optional[int]
    unsupported_claim_count: Optional[int]
    reasons: List[ImportResultReason]
    error_code: Optional[str]
    error_message: Optional[str]


class ReportLink(TypedDict):
    id: str
    review_run_id: str
    url: str
    expires_at: str
    revoked_at: Optional[str]
    request_id: str
