{{%AUTOESCAPE context="HTML"}}{{!
  audit/profile.tpl: GET /profile/activity.
  View: events [{id, created, who, impersonated, by_other (booleans),
  org_name, category, action, status, resource_type, resource_name,
  description, ip, user_agent}], events_empty, has_next, next_url,
  has_first.
}}{{>HEAD}}
<h1 class="h3 mb-2">My activity</h1>
<p class="text-muted">What you did, what others did to your account (such as opening it on your behalf), and what you did in accounts you opened. Times are UTC.</p>
{{#events_empty}}<p class="text-muted" id="activity-empty">No activity yet.</p>
{{/events_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="profile-activity">
<thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Organisation</th><th scope="col">Status</th><th scope="col">IP address</th><th scope="col">Device</th></tr></thead>
<tbody>
{{#events}}<tr{{#by_other}} class="table-warning"{{/by_other}}>
<td class="small text-nowrap">{{created}}</td>
<td class="small">{{who}}</td>
<td>{{action}} <span class="small text-muted">({{category}})</span><div class="small text-muted">{{description}}</div></td>
<td class="small">{{org_name}}</td>
<td>{{status}}</td>
<td class="small">{{ip}}</td>
<td class="small text-break">{{user_agent}}</td>
</tr>
{{/events}}</tbody>
</table>
</div>
<nav aria-label="Activity pages" class="d-flex gap-2">
{{#has_first}}<a class="btn btn-sm btn-outline-secondary" href="/profile/activity">Newest</a>{{/has_first}}
{{#has_next}}<a class="btn btn-sm btn-outline-secondary" href="{{next_url}}" rel="next" id="next-page">Next page</a>{{/has_next}}
</nav>
{{>FOOT}}
