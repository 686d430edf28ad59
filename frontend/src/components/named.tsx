/**
 * An object by its name, its id on hover: what the access and audit logs show for the
 * ids they keep. Without a name (an old record) the id stands in.
 */
export function Named({
  name,
  id,
  className,
}: {
  name: string | null | undefined;
  id: string;
  className?: string;
}) {
  return (
    <span title={id} className={className}>
      {name ?? id}
    </span>
  );
}
