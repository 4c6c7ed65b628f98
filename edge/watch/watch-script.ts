/**
 * The running page's script, inline. It follows `/v/:id/events` and shows what each event
 * says: the words and the title come from the server in the event data, the player from
 * the page's own <template>, so nothing here has to agree with the server by hand. A task
 * that fails or expires reloads the page, whose server-rendered words say what to do.
 * A finished task's page has no script at all.
 */
export const WATCH_SCRIPT = `(() => {
  const main = document.querySelector('main');
  const $ = (id) => document.getElementById(id);
  const elapsed = $('elapsed');
  // The server's count so far, carried on from the page's load: the reader's clock may be off.
  const since = Date.now() - (Number(elapsed.dataset.elapsed) || 0);
  const tick = () => {
    const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    $('clock').textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  };
  tick();
  const timer = setInterval(tick, 1000);
  const source = new EventSource(main.dataset.events);
  const stop = () => {
    source.close();
    clearInterval(timer);
    elapsed.hidden = true;
  };
  const show = (view) => {
    main.dataset.state = view.state;
    $('label').textContent = view.label;
    $('detail').textContent = view.detail;
    $('title').textContent = view.title;
    document.title = view.title + ' · Jimeng video';
    $('facts').textContent = view.facts ? view.facts + ' · ' : '';
  };
  source.addEventListener('status', (event) => show(JSON.parse(event.data)));
  source.addEventListener('done', (event) => {
    stop();
    const view = JSON.parse(event.data);
    const player = $('player').content.cloneNode(true);
    const video = player.querySelector('video');
    // The template was named when the page was made, maybe before the prompt was known.
    video.setAttribute('aria-label', view.title);
    if (view.width && view.height) {
      video.width = view.width;
      video.height = view.height;
    }
    $('stage').replaceChildren(video);
    $('actions').replaceChildren(...player.children);
    show(view);
  });
  source.addEventListener('failed', () => location.reload());
  source.addEventListener('error', (event) => {
    // An error event with data is the server's; without, the connection's, which EventSource
    // retries by itself unless the server refused the stream.
    if (event.data) {
      stop();
      location.reload();
    } else if (source.readyState === EventSource.CLOSED) {
      stop();
      main.dataset.state = 'unavailable';
      $('label').textContent = main.dataset.lostLabel;
      $('detail').textContent = main.dataset.lostDetail;
    }
  });
})();`;
