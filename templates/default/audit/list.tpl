{{%AUTOESCAPE context="HTML"}}{{!
  audit/list.tpl: GET /orgs/{org}/activity.
  View: org {id, name}, page_url (this page's path), filter {q, category,
  status, action, user, from, to, subtree (boolean), statuses [{value,
  selected}]}, summary {success, failed, pending, total}, events [{id,
  created, user, org_name, category, action, status, resource_type,
  resource_name, description, ip, href}], next_url (more events),
  first_url (back to the newest), export_url; has_next, has_first,
  can_export (booleans: ctemplate shows no section for a string);
  summary.capped (boolean): more events than the counts cover;
  error, has_error (a filter value that was refused); has_retention,
  retention_days, can_retention, retention_url (how long events are
  kept).  An event's impersonator (with impersonated, a boolean): who had
  opened the actor's account.
}}{{>HEAD}}
{{#org}}<h1 class="h3 mb-2">Activity log of {{name}}</h1>{{/org}}
<p class="text-muted">Who did what, to what, from where, and whether it worked. Times are UTC.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#filter}}<form method="get" action="{{page_url}}" class="card card-body shadow-sm mb-3" id="activity-filter">
<div class="row g-2">
<div class="col-md-4"><label for="f-q" class="form-label">Search</label>
<input type="search" class="form-control" id="f-q" name="q" value="{{q}}" maxlength="200" aria-describedby="f-q-help">
<div id="f-q-help" class="form-text">Description, resource name or user e-mail.</div></div>
<div class="col-md-2"><label for="f-category" class="form-label">Category</label>
<input type="text" class="form-control" id="f-category" name="category" value="{{category}}" maxlength="200"></div>
<div class="col-md-2"><label for="f-action" class="form-label">Action</label>
<input type="text" class="form-control" id="f-action" name="action" value="{{action}}" maxlength="200"></div>
<div class="col-md-2"><label for="f-status" class="form-label">Status</label>
<select class="form-select" id="f-status" name="status"><option value="">Any</option>
{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>
{{/statuses}}</select></div>
<div class="col-md-2"><label for="f-user" class="form-label">User e-mail</label>
<input type="email" class="form-control" id="f-user" name="user" value="{{user}}" maxlength="200"></div>
<div class="col-md-2"><label for="f-from" class="form-label">From</label>
<input type="date" class="form-control" id="f-from" name="from" value="{{from}}"></div>
<div class="col-md-2"><label for="f-to" class="form-label">To</label>
<input type="date" class="form-control" id="f-to" name="to" value="{{to}}"></div>
<div class="col-md-4 d-flex align-items-end"><div class="form-check">
<input class="form-check-input" type="checkbox" id="f-subtree" name="subtree" value="1"{{#subtree}} checked{{/subtree}}>
<label class="form-check-label" for="f-subtree">Include every organisation below this one</label></div></div>
<div class="col-md-4 d-flex align-items-end gap-2">
<button type="submit" class="btn btn-primary">Apply</button>
<a class="btn btn-outline-secondary" href="{{page_url}}">Clear</a>
{{#can_export}}<a class="btn btn-outline-primary" href="{{export_url}}" id="export-link">Export Logs</a>{{/can_export}}
</div></div>
</form>
{{/filter}}{{#summary}}<div class="row g-2 mb-3" id="activity-summary">
<div class="col"><div class="card card-body"><div class="small text-muted">Success</div><div class="fs-4" id="count-success">{{success}}</div></div></div>
<div class="col"><div class="card card-body"><div class="small text-muted">Failed</div><div class="fs-4" id="count-failed">{{failed}}</div></div></div>
<div class="col"><div class="card card-body"><div class="small text-muted">Pending</div><div class="fs-4" id="count-pending">{{pending}}</div></div></div>
<div class="col"><div class="card card-body"><div class="small text-muted">Total</div><div class="fs-4" id="count-total">{{total}}{{#capped}}+{{/capped}}</div></div></div>
</div>
{{#capped}}<p class="small text-muted" id="count-capped">More than {{total}} events match: the counts above are those of the newest {{total}}. Narrow the dates or filters for exact counts.</p>
{{/capped}}{{/summary}}{{#events_empty}}<p class="text-muted">No events match this filter.</p>
{{/events_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="activity-table">
<thead><tr><th scope="col">Time</th><th scope="col">User</th><th scope="col">Organisation</th><th scope="col">Category</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Status</th><th scope="col">IP</th><th scope="col"><span class="visually-hidden">Details</span></th></tr></thead>
<tbody>
{{#events}}<tr>
<td class="small text-nowrap">{{created}}</td>
<td class="small">{{user}}{{#impersonated}}<div class="text-muted">opened by {{impersonator}}</div>{{/impersonated}}</td>
<td class="small">{{org_name}}</td>
<td class="small">{{category}}</td>
<td>{{action}}<div class="small text-muted">{{description}}</div></td>
<td class="small">{{resource_type}} {{resource_name}}</td>
<td>{{status}}</td>
<td class="small">{{ip}}</td>
<td><a href="{{href}}">Details<span class="visually-hidden"> of event {{id}}</span></a></td>
</tr>
{{/events}}</tbody>
</table>
</div>
<nav aria-label="Activity log pages" class="d-flex gap-2">
{{#has_first}}<a class="btn btn-sm btn-outline-secondary" href="{{first_url}}">Newest</a>{{/has_first}}
{{#has_next}}<a class="btn btn-sm btn-outline-secondary" href="{{next_url}}" rel="next" id="next-page">Next page</a>{{/has_next}}
</nav>
{{#has_retention}}<p class="small text-muted mt-3" id="retention-note">Events are kept for {{retention_days}} days.{{#can_retention}} <a href="{{retention_url}}">Change</a>{{/can_retention}}</p>
{{/has_retention}}{{>FOOT}}
