"use strict";
// Choosing another product reloads the list of its services.
(function () {
  const product = document.getElementById("k-product"), service = document.getElementById("k-service");
  product.addEventListener("change", () => { service.value = ""; document.getElementById("coverage-form").submit(); });
})();
