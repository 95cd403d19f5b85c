// The proposal form: choosing one of the JV's reserved matters ticks "HQ must instruct" at once,
// as the portal will on saving, so the page never shows a choice that will not stand.
(function () {
  const matter = document.querySelector("select[data-reserved-matters]");
  if (!matter) return;
  const reserved = JSON.parse(matter.dataset.reservedMatters || "[]");
  const radios = document.querySelectorAll("input[name=decision]");
  const note = document.getElementById("reserved-note");
  function apply() {
    const isReserved = reserved.includes(matter.value);
    radios.forEach(function (radio) {
      if (isReserved) radio.checked = radio.value === "hq";
      radio.disabled = isReserved && radio.value !== "hq";
    });
    if (note) note.hidden = !isReserved;
  }
  matter.addEventListener("change", apply);
  apply();
})();
