{{%AUTOESCAPE context="HTML"}}{{!
  users/impersonate.tpl: GET/POST /orgs/{org}/users/{user}/impersonate.
  View: org {id, name}, user {full_name, email, role_name}, action,
  user_url, minutes, reason (as typed), error + has_error.
}}{{>HEAD}}
{{#user}}<h1 class="h3 mb-2">Open the account of {{full_name}}</h1>
<p class="text-muted">You will work as <strong>{{email}}</strong> ({{role_name}}) for up to {{/user}}{{minutes}} minutes, under a banner, until you stop. Everything you do is recorded under both your names, and the user can see that you opened the account and why.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<section class="card shadow-sm"><div class="card-body">
<form method="post" action="{{action}}" novalidate id="impersonate-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="imp-reason" class="form-label">Reason</label>
<textarea class="form-control" id="imp-reason" name="reason" rows="3" required maxlength="500" aria-describedby="imp-reason-help">{{reason}}</textarea>
<div id="imp-reason-help" class="form-text">Such as the support ticket you are working on. Required, up to 500 characters.</div>
</div>
<button type="submit" class="btn btn-warning">Open account</button>
<a class="btn btn-outline-secondary" href="{{user_url}}">Cancel</a>
</form>
</div></section>
{{>FOOT}}
