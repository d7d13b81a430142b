{{%AUTOESCAPE context="HTML"}}{{!plain text: values are HTML-escaped, then mail.c decodes the entities (no value can add a line)}}
Hello {{full_name}},

An account has been created for you on {{brand_name}}.

Choose your password with this link (it works once, within {{expires_hours}} hours):

{{link}}

If you did not expect this message, you can ignore it: nothing happens
until the link is used.

-- 
{{brand_name}}
