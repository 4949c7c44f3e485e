package dev.baton.engine.forms;

import dev.baton.engine.web.ApiProblem;
import java.util.Map;
import org.springframework.web.util.HtmlUtils;

/**
 * The pages a browser sees after posting a plain HTML form (never JSON): thanks when the form has
 * no success address of its own, and what needs attention, by the fields' labels, with a way back
 * to the page the form is on. Small, self-contained and readable on a phone.
 */
final class FormPages {
    private static final String THANKS = "Thank you. We have received your details.";
    private static final String UNAVAILABLE = "The form cannot be taken just now. Nothing was recorded; please try again in a minute.";

    private FormPages() {
    }

    static String thanks(FormDefinition form) {
        String message = form.successMessage() == null || form.successMessage().isBlank() ? THANKS : form.successMessage();
        return page(form.name() == null ? "Thank you" : form.name(), "<p>" + escape(message) + "</p>");
    }

    /**
     * What was wrong with the submission.
     *
     * @param form the form posted to, or null when there is none
     * @param back the page the form is on (the browser's Referer), or null
     */
    static String problem(ApiProblem problem, FormDefinition form, String back) {
        StringBuilder body = new StringBuilder();
        if (problem instanceof FormErrors invalid) {
            Map<String, String> labels = new java.util.HashMap<>(Map.of("consent", "Consent"));
            if (form != null) {
                form.fields().stream().filter(f -> f.label() != null && !f.label().isBlank() && f.name() != null)
                        .forEach(f -> labels.put(f.name(), f.label()));
            }
            body.append("<p>Please check the form:</p><ul>");
            for (FormErrors.FieldError error : invalid.errors()) {
                String label = labels.getOrDefault(error.field(), error.field());
                body.append("<li><strong>").append(escape(label)).append("</strong>: ").append(escape(error.message())).append("</li>");
            }
            body.append("</ul>");
        } else {
            body.append("<p>").append(escape(said(problem))).append("</p>");
        }
        // Back in the browser's history keeps what the visitor typed (and is the form's page even
        // when the browser sent only the site as Referer, as it does across sites); the Referer is
        // where the link goes without script.
        body.append("<p><a href=\"").append(back != null && FormSubmissions.isWebAddress(back) ? escape(back) : "#")
                .append("\" onclick=\"if (history.length > 1) { history.back(); return false; }\">Back to the form</a></p>");
        return page(problem.title(), body.toString());
    }

    /**
     * The form itself, for an iframe on the customer's page: fields as the definition says, the
     * browser's own checks (required, email, tel), and a small script that posts it as JSON and
     * shows Baton's messages beside their fields, then the thanks (or goes to the success
     * address). Without the script it is a plain HTML post, answered by the pages above.
     *
     * @param anonymousId the visitor's id on the customer's site (t.js passes it), or null
     * @param given       values of hidden fields passed in the address (e.g. a campaign source)
     */
    static String form(FormDefinition form, String anonymousId, Map<String, String> given) {
        StringBuilder html = new StringBuilder();
        String next = form.successUrl() != null && FormSubmissions.isWebAddress(form.successUrl()) ? form.successUrl() : null;
        html.append("<form method=\"post\" action=\"").append(escape(form.id())).append("\" data-success-url=\"")
                .append(escape(next)).append("\" data-thanks=\"")
                .append(escape(form.successMessage() == null || form.successMessage().isBlank() ? THANKS : form.successMessage()))
                .append("\" data-unavailable=\"").append(escape(UNAVAILABLE)).append("\">");
        html.append("<input type=\"hidden\" name=\"anonymousId\" value=\"").append(escape(anonymousId)).append("\">");
        for (FormDefinition.FormField field : form.fields()) {
            String name = escape(field.name());
            String label = escape(field.label() == null || field.label().isBlank() ? field.name() : field.label());
            String required = field.required() ? " required" : "";
            switch (field.type()) {
                case HIDDEN -> html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(escape(given.get(field.name()))).append("\">");
                case CHECKBOX -> html.append("<p><label><input type=\"checkbox\" name=\"").append(name).append("\"")
                        .append(required).append("> ").append(label).append("</label>").append(error(name)).append("</p>");
                case TEXTAREA -> html.append("<p><label for=\"f-").append(name).append("\">").append(label).append("</label>")
                        .append("<textarea id=\"f-").append(name).append("\" name=\"").append(name).append("\"").append(required)
                        .append("></textarea>").append(error(name)).append("</p>");
                default -> html.append("<p><label for=\"f-").append(name).append("\">").append(label).append("</label>")
                        .append("<input id=\"f-").append(name).append("\" name=\"").append(name).append("\" type=\"")
                        .append(field.type() == FormDefinition.FieldType.EMAIL ? "email"
                                : field.type() == FormDefinition.FieldType.PHONE ? "tel" : "text")
                        .append("\"").append(field.type() == FormDefinition.FieldType.EMAIL ? " autocomplete=\"email\"" : "")
                        .append(field.type() == FormDefinition.FieldType.PHONE ? " autocomplete=\"tel\"" : "")
                        .append(required).append(">").append(error(name)).append("</p>");
            }
        }
        if (form.consent() != null && form.consent().text() != null) {
            html.append("<p><label><input type=\"checkbox\" name=\"consent\"").append(form.consent().required() ? " required" : "")
                    .append("> ").append(escape(form.consent().text())).append("</label>").append(error("consent")).append("</p>");
        }
        html.append("<p class=\"error\" data-error-for=\"\" role=\"alert\"></p><button type=\"submit\">Submit</button></form>")
                .append("<script>").append(SCRIPT).append("</script>");
        return page(form.name() == null ? form.id() : form.name(), html.toString());
    }

    /** A form page that cannot be shown (no such form, storage unavailable): why, in a sentence. */
    static String unavailable(ApiProblem problem) {
        return page(problem.title(), "<p>" + escape(said(problem)) + "</p>");
    }

    /** What a visitor is told: the problem's own words for their mistake, never a server's inner workings. */
    private static String said(ApiProblem problem) {
        return problem.status().is5xxServerError() ? UNAVAILABLE : problem.detail();
    }

    private static String error(String field) {
        return "<span class=\"error\" data-error-for=\"" + field + "\" role=\"alert\"></span>";
    }

    /** Posts the form as JSON and shows what Baton says; any failure to reach it falls back to the plain post. */
    private static final String SCRIPT = """
            (function () {
              var form = document.querySelector('form');
              if (!window.fetch || !window.JSON) { return; }
              form.addEventListener('submit', function (event) {
                event.preventDefault();
                var shown = form.querySelectorAll('[data-error-for]');
                for (var i = 0; i < shown.length; i++) { shown[i].textContent = ''; }
                var values = {};
                for (var j = 0; j < form.elements.length; j++) {
                  var input = form.elements[j];
                  if (!input.name) { continue; }
                  values[input.name] = input.type === 'checkbox' ? (input.checked ? 'on' : '') : input.value;
                }
                var button = form.querySelector('button');
                button.disabled = true;
                fetch(form.action, { method: 'POST', body: JSON.stringify(values),
                    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' } })
                  .then(function (response) {
                    return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
                  })
                  // Baton not reached, or no answer it could read: the plain post (its pages) instead.
                  .catch(function () { return null; })
                  .then(function (answer) {
                    if (!answer) { button.disabled = false; form.submit(); return; }
                    button.disabled = false;
                    if (answer.ok) {
                      var next = form.getAttribute('data-success-url');
                      if (next) {
                        try { window.top.location.href = next; } catch (e) { window.location.href = next; }
                        return;
                      }
                      var thanks = document.createElement('p');
                      thanks.className = 'thanks';
                      thanks.textContent = form.getAttribute('data-thanks');
                      form.parentNode.replaceChild(thanks, form);
                      return;
                    }
                    var errors = answer.status >= 500 ? [{ field: '', message: form.getAttribute('data-unavailable') }]
                        : answer.body.errors || [{ field: '', message: answer.body.detail || answer.body.title }];
                    var first = null;
                    for (var k = 0; k < errors.length; k++) {
                      var place = form.querySelector('[data-error-for="' + errors[k].field + '"]')
                          || form.querySelector('[data-error-for=""]');
                      place.textContent = (place.textContent ? place.textContent + ' ' : '') + errors[k].message;
                      first = first || form.elements[errors[k].field];
                    }
                    if (first && first.focus) { first.focus(); }
                  });
              });
            })();
            """;

    private static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}
                h1{font-size:1.4rem}li{margin:.3rem 0}a{color:#0b63c5}label{display:block}
                input:not([type=checkbox]),textarea{box-sizing:border-box;width:100%%;padding:.5rem;font:inherit}
                input[type=checkbox]{margin-right:.4rem}.error{color:#b00020;display:block}
                button{padding:.6rem 1.4rem;font:inherit}</style></head>
                <body><h1>%s</h1>%s</body></html>
                """.formatted(escape(title), escape(title), body);
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text == null ? "" : text);
    }
}
