{{%AUTOESCAPE context="HTML"}}{{!
  audit/retention.tpl: GET|POST /orgs/{org}/activity/retention.
  View: org {id, name}, action (this page's path), back_url, retention
  {days (what applies now), min_days, max_days, default_days, has_own,
  own_days, updated, updated_by, has_above, above_days}; error, has_error
  (a value that was refused).
}}{{>HEAD}}
{{#org}}<h1 class="h3 mb-2">Activity log retention of {{name}}</h1>{{/org}}
<p class="text-muted">Events older than the retention period are deleted every night. An organisation's events are kept for the longest period chosen by it or by any organisation above it.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#retention}}<div class="card card-body shadow-sm mb-3" id="retention-now">
<p class="mb-1">Events are kept for <strong id="retention-days">{{days}}</strong> days.</p>
{{#has_own}}<p class="small text-muted mb-1" id="retention-own">This organisation chose {{own_days}} days ({{updated}} UTC, {{updated_by}}).</p>{{/has_own}}
{{#has_above}}<p class="small text-muted mb-1" id="retention-above">An organisation above this one keeps events for {{above_days}} days.</p>{{/has_above}}
<p class="small text-muted mb-0">Without a choice, events are kept for {{default_days}} days.</p>
</div>
<form method="post" action="{{action}}" class="card card-body shadow-sm mb-3" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<label for="retention-input" class="form-label">Keep events for (days)</label>
<div class="row g-2 align-items-start">
<div class="col-sm-4"><input type="number" class="form-control" id="retention-input" name="days" min="{{min_days}}" max="{{max_days}}" step="1" value="{{own_days}}" required aria-describedby="retention-help"></div>
<div class="col-sm-8 d-flex gap-2"><button type="submit" class="btn btn-primary">Save</button>
{{#has_own}}<button type="submit" class="btn btn-outline-secondary" name="reset" value="1" formnovalidate>Remove this organisation's choice</button>{{/has_own}}</div>
</div>
<div id="retention-help" class="form-text">From {{min_days}} to {{max_days}} days.</div>
</form>
{{/retention}}<p><a href="{{back_url}}">Back to the activity log</a></p>
{{>FOOT}}
