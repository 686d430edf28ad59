import { useSyncExternalStore } from "react";

export type Theme = "light" | "dark";

const THEME_KEY = "sluice.theme";
const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

function storedTheme(): Theme | null {
  const value = localStorage.getItem(THEME_KEY);
  return value === "light" || value === "dark" ? value : null;
}

function applyTheme(theme: Theme): void {
  document.documentElement.classList.toggle("dark", theme === "dark");
}

/** Apply the remembered theme, else follow the system's, and keep following it. */
export function initTheme(): void {
  applyTheme(storedTheme() ?? (darkQuery().matches ? "dark" : "light"));
  darkQuery().addEventListener("change", (event) => {
    if (storedTheme() === null) applyTheme(event.matches ? "dark" : "light");
  });
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(THEME_KEY, theme);
  applyTheme(theme);
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

function currentTheme(): Theme {
  return document.documentElement.classList.contains("dark") ? "dark" : "light";
}

/** The theme in effect now, updated when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme);
}
