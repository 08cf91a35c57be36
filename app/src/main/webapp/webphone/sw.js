// The web phone's service worker: a push (a call, or an alert after one) is handed to the open
// page, which registers again to take the call; with no page open it shows a notification.
self.addEventListener("push", (event) => {
  const push = event.data ? event.data.json() : {};
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((pages) => {
      if (pages.length > 0) {
        pages.forEach((page) => page.postMessage({ push }));
        return undefined;
      }
      const title = push.type === "call" ? "Incoming call" : "Pushgate";
      return self.registration.showNotification(title, { body: push.caller || "", tag: push["call-id"] });
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow("index.html"));
});
