{{%AUTOESCAPE context="HTML"}}{{!plain text: values are HTML-escaped, then mail.c decodes the entities (no value can add a line)}}
Hello {{full_name}},

Someone (we hope you) asked to reset the password of your {{brand_name}}
account.

Choose a new password with this link (it works once, within
{{expires_minutes}} minutes):

{{link}}

Using it signs your account out everywhere. If you did not ask for this,
you can ignore this message: your password stays as it is.

-- 
{{brand_name}}
