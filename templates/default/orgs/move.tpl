{{%AUTOESCAPE context="HTML"}}{{!
  orgs/move.tpl: GET/POST /orgs/{org}/move: give an organisation (and all
  below it) another parent.
  View: org {id, name, kind_label, parent_name, href}, action, can_move /
  refused (booleans), candidates [{id, name, kind_label}] (where it may go),
  error / has_error.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-md-10 col-lg-7">
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-2">Move {{name}}</h1>
<p class="text-muted">{{kind_label}} in <strong id="current-parent">{{parent_name}}</strong>. Everything below it moves with it; its users keep their roles.</p>
{{/org}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#can_move}}{{#candidates_empty}}<p class="text-muted">There is no other organisation you may move it into.</p>
{{/candidates_empty}}<form method="post" action="{{action}}" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="move-parent" class="form-label">New parent organisation</label>
<select class="form-select" id="move-parent" name="parent_id" required>
<option value="">Choose…</option>
{{#candidates}}<option value="{{id}}">{{name}} ({{kind_label}})</option>
{{/candidates}}</select>
</div>
<button type="submit" class="btn btn-primary">Move</button>
</form>
{{/can_move}}</div>
</div>
{{>FOOT}}
