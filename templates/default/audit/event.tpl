{{%AUTOESCAPE context="HTML"}}{{!
  audit/event.tpl: GET /orgs/{org}/activity/{event}.
  View: org {id, name}, back_url, event {id, created, org_name, system
  (true: no actor), impersonated, has_subject (booleans), user_email, user_name, impersonator_email,
  subject_email, category, action, status, resource_type, resource_id,
  resource_name, description, ip, user_agent, request_id, metadata_pretty}.
}}{{>HEAD}}
{{#event}}<h1 class="h3 mb-2">{{action}} <span class="badge text-bg-secondary">{{status}}</span></h1>
<p class="text-muted">{{description}}</p>
<div class="row g-3">
<section class="col-md-4" aria-labelledby="who-title"><div class="card card-body h-100">
<h2 id="who-title" class="h6">User</h2>
{{#system}}<p class="mb-1">System</p>{{/system}}
<p class="mb-1">{{user_name}}</p><p class="small mb-1">{{user_email}}</p>
{{#impersonated}}<p class="small mb-1">Opened as this user by {{impersonator_email}}</p>{{/impersonated}}
{{#has_subject}}<p class="small mb-1">Account concerned: {{subject_email}}</p>{{/has_subject}}
</div></section>
<section class="col-md-4" aria-labelledby="what-title"><div class="card card-body h-100">
<h2 id="what-title" class="h6">Action</h2>
<dl class="small mb-0">
<dt>Time (UTC)</dt><dd>{{created}}</dd>
<dt>Organisation</dt><dd>{{org_name}}</dd>
<dt>Category</dt><dd>{{category}}</dd>
<dt>Action</dt><dd>{{action}}</dd>
<dt>Resource</dt><dd>{{resource_type}} {{resource_name}} <span class="text-muted">{{resource_id}}</span></dd>
</dl></div></section>
<section class="col-md-4" aria-labelledby="tech-title"><div class="card card-body h-100">
<h2 id="tech-title" class="h6">Technical details</h2>
<dl class="small mb-0">
<dt>IP address</dt><dd>{{ip}}</dd>
<dt>User agent</dt><dd class="text-break">{{user_agent}}</dd>
<dt>Request id</dt><dd class="font-monospace">{{request_id}}</dd>
</dl></div></section>
</div>
<section class="mt-3" aria-labelledby="meta-title">
<h2 id="meta-title" class="h6">Metadata</h2>
<pre class="bg-body-tertiary p-2 border" id="event-metadata">{{metadata_pretty:pre_escape}}</pre>
</section>
{{/event}}<p class="mt-3"><a href="{{back_url}}">Back to the activity log</a></p>
{{>FOOT}}
