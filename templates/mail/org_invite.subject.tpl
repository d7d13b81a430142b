{{%AUTOESCAPE context="HTML"}}{{!plain text: values are HTML-escaped, then mail.c decodes the entities (no value can add a line)}}{{partner_name}} invites you to {{brand_name}}
