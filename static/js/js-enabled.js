// Scripts run: the page may collapse its menus behind the « Menu » button.
document.documentElement.classList.remove("no-js");
