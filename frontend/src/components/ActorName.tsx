// "Your name": what the change history shows for the person's changes. Kept in
// this browser (localStorage) as it is typed; sent with every write.
import { useId, useState } from 'react';
import { storeActor, storedActor } from '../api/actor';
import { MAX_ACTOR_LENGTH } from '../lib/text';

export function ActorName() {
  const [name, setName] = useState(storedActor);
  const id = useId();
  return (
    <div className="actor-name">
      <label htmlFor={`${id}-name`}>Your name</label>
      <input
        id={`${id}-name`}
        value={name}
        maxLength={MAX_ACTOR_LENGTH}
        autoComplete="name"
        placeholder="anonymous"
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setName(e.target.value);
          storeActor(e.target.value);
        }}
        onBlur={() => setName(storeActor(name))}
      />
      <span id={`${id}-hint`} className="hint">
        Shown in the history with your changes
      </span>
    </div>
  );
}
