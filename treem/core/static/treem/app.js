/* treem's page behaviour, kept out of the markup: the Content-Security-Policy forbids inline code.
   data-autosubmit: a <select> that submits its form when changed (the language menu).
   data-confirm: a <form> that asks before it is sent. */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
