{{%AUTOESCAPE context="HTML"}}{{!
  orgs/new.tpl: GET/POST /orgs/{org}/children/new: add a partner or customer.
  View: org {id, name, kind_label, href}, action (the form's path), kinds
  [{value, label, selected}] (what this organisation may hold), form {name,
  kind}, error / has_error.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-md-10 col-lg-7">
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-3">Add partner / customer to {{name}}</h1>
{{/org}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#kinds_empty}}<p class="text-muted">This organisation cannot hold other organisations.</p>
{{/kinds_empty}}<form method="post" action="{{action}}" class="card card-body shadow-sm" novalidate id="new-org-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<fieldset class="mb-3">
<legend class="form-label fs-6">What to add</legend>
{{#kinds}}<div class="form-check">
<input class="form-check-input" type="radio" name="kind" id="kind-{{value}}" value="{{value}}"{{#selected}} checked{{/selected}} required>
<label class="form-check-label" for="kind-{{value}}">{{label}}</label>
</div>
{{/kinds}}</fieldset>
{{#form}}<div class="mb-3">
<label for="org-name" class="form-label">Name</label>
<input type="text" class="form-control" id="org-name" name="name" value="{{name}}" required maxlength="200" aria-describedby="org-name-help">
<div id="org-name-help" class="form-text">The company's name, unique among the organisations of this parent.</div>
</div>
{{/form}}<button type="submit" class="btn btn-primary">Create</button>
</form>
</div>
</div>
{{>FOOT}}
