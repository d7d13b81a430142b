{{%AUTOESCAPE context="HTML"}}{{!
  orgs/edit.tpl: GET/POST /orgs/{org}/edit: rename an organisation.
  View: org {id, name, href}, action, form {name}, error / has_error.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-md-10 col-lg-7">
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-3">Rename {{name}}</h1>
{{/org}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<form method="post" action="{{action}}" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
{{#form}}<div class="mb-3">
<label for="org-name" class="form-label">Name</label>
<input type="text" class="form-control" id="org-name" name="name" value="{{name}}" required maxlength="200">
</div>
{{/form}}<button type="submit" class="btn btn-primary">Save</button>
</form>
</div>
</div>
{{>FOOT}}
